//! Request bodies that must keep moving: a client that stops sending, or
//! trickles a few bytes at a time, would otherwise hold its connection, an
//! upload lock and a file descriptor for as long as it likes (slowloris on
//! the body). The connection's idle limit cannot catch a trickle, since
//! bytes do move.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::registry::config::Timeouts;

/// Why a body was cut off; the handler reading it sees this as its error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PaceError {
    #[error("the client sent no body bytes for {0:?}")]
    Stalled(Duration),
    #[error(
        "the client sent {received} bytes in {elapsed:?}, slower than {minrate} bytes a second"
    )]
    TooSlow {
        received: u64,
        elapsed: Duration,
        minrate: u64,
    },
}

/// A body that fails once it stalls for `limits.body`, or once, after
/// that much time has passed, its average rate is below `limits.minrate`.
///
/// The stall clock only runs while the body is read and nothing is
/// buffered: time the server spends writing a chunk to disk is not the
/// client's.
pub(crate) struct Paced<B> {
    inner: B,
    stall: Duration,
    minrate: u64,
    started: Instant,
    received: u64,
    /// When the last frame came.
    last: Instant,
    /// Wakes the reader to check for a stall. Made only when the body first
    /// has to wait (most requests have none, or one already buffered), and
    /// moved forward lazily (at most about once a second), not at every
    /// frame: a reset takes the timer driver's lock, and a fast upload
    /// brings thousands of frames a second.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<B> Paced<B> {
    pub(crate) fn new(inner: B, limits: &Timeouts) -> Paced<B> {
        let now = Instant::now();
        Paced {
            inner,
            stall: limits.body,
            minrate: limits.minrate,
            started: now,
            received: 0,
            last: now,
            deadline: None,
        }
    }

    /// The trickle check: only after a full stall period (a slow start is
    /// normal: TCP slow start, a client still hashing a layer).
    fn too_slow(&self, now: Instant) -> Option<PaceError> {
        let elapsed = now.duration_since(self.started);
        if elapsed < self.stall || self.minrate == 0 {
            return None;
        }
        let needed = (self.minrate as u128 * elapsed.as_millis()) / 1000;
        (u128::from(self.received) < needed).then_some(PaceError::TooSlow {
            received: self.received,
            elapsed,
            minrate: self.minrate,
        })
    }
}

impl<B> Body for Paced<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let now = Instant::now();
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                if let Some(e) = this.too_slow(now) {
                    return Poll::Ready(Some(Err(Box::new(e))));
                }
                this.last = now;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => loop {
                let due = this.last + this.stall;
                if Instant::now() >= due {
                    return Poll::Ready(Some(Err(Box::new(PaceError::Stalled(this.stall)))));
                }
                // Early is fine (the check above runs again); late is not.
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
                let armed = deadline.deadline();
                if armed > due || armed + Duration::from_secs(1) < due {
                    deadline.as_mut().reset(due);
                }
                match deadline.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => {
                        // Fired at an earlier deadline: move it and look again.
                        deadline.as_mut().reset(due);
                    }
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;
    use tokio::sync::mpsc;

    /// A body fed by the test, one chunk at a time.
    struct Fed(mpsc::Receiver<Bytes>);

    impl Body for Fed {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
        }
    }

    fn limits(body_ms: u64, minrate: u64) -> Timeouts {
        Timeouts {
            body: Duration::from_millis(body_ms),
            minrate,
            ..Timeouts::default()
        }
    }

    fn channel_body() -> (mpsc::Sender<Bytes>, Fed) {
        let (tx, rx) = mpsc::channel(4);
        (tx, Fed(rx))
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_body_fails_after_the_stall_limit() {
        let (tx, body) = channel_body();
        let mut paced = Paced::new(body, &limits(1000, 0));
        tx.send(Bytes::from_static(b"abc")).await.unwrap();
        assert_eq!(
            paced.frame().await.unwrap().unwrap().into_data().unwrap(),
            "abc"
        );
        let err = paced.frame().await.unwrap().unwrap_err();
        assert!(err.to_string().contains("no body bytes"), "{err}");
        drop(tx);
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_fails_after_the_grace_period_and_a_steady_body_passes() {
        let (tx, body) = channel_body();
        let mut paced = Paced::new(body, &limits(1000, 1024));
        let feeder = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                if tx.send(Bytes::from_static(b"x")).await.is_err() {
                    return;
                }
            }
        });
        let mut frames = 0;
        let err = loop {
            match paced.frame().await.unwrap() {
                Ok(_) => frames += 1,
                Err(e) => break e,
            }
        };
        assert!(err.to_string().contains("slower than 1024"), "{err}");
        assert!(frames >= 1, "the first second is grace");
        feeder.abort();

        let (tx, body) = channel_body();
        let mut paced = Paced::new(body, &limits(1000, 1024));
        tokio::spawn(async move {
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let _ = tx.send(Bytes::from(vec![0u8; 1024])).await;
            }
        });
        let mut total = 0;
        while let Some(frame) = paced.frame().await {
            total += frame.unwrap().into_data().unwrap().len();
        }
        assert_eq!(total, 10 * 1024);
    }
}
