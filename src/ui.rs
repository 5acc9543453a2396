//! Everything regctl says to a person or a script goes through here: result
//! lines on stdout, warnings and notes on stderr, `--json` documents,
//! spinners, and the final error report.
//!
//! One place so that a closed stdout (`regctl logs | head -1`) ends output
//! quietly instead of panicking, as ripgrep does: the first failed write
//! marks stdout closed, later writes are dropped, and the command finishes
//! with its usual exit status. Nothing else in the crate may print
//! (`clippy::print_stdout`/`print_stderr` are denied outside this module).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout unless it was found closed; never panics.
pub(crate) fn write_out(args: fmt::Arguments<'_>, newline: bool) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| {
            if newline {
                stdout.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| stdout.flush());
    if written.is_err() {
        // A reader that went away (EPIPE) or a full disk: either way no
        // one reads the rest, and the command's own outcome still counts.
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Raw bytes to stdout (a completion script, a man page), with the same
/// closed-pipe rule as [`out`].
pub(crate) fn out_bytes(bytes: &[u8]) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .is_err()
    {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Whether stdout has been found closed (long-running output such as
/// `logs -f` stops then).
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// A line on stdout: `outln!("wrote {}", path.display())`.
macro_rules! outln {
    () => { $crate::ui::write_out(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::ui::write_out(format_args!($($arg)*), true) };
}
pub(crate) use outln;

/// Text on stdout without a newline.
macro_rules! out {
    ($($arg:tt)*) => { $crate::ui::write_out(format_args!($($arg)*), false) };
}
pub(crate) use out;

fn err_line(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

fn colour(kind: &str, colour: console::Color) -> String {
    let enabled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if enabled {
        console::style(kind).fg(colour).bold().to_string()
    } else {
        kind.to_string()
    }
}

/// `warning: ...` on stderr: something works less well than it could.
pub(crate) fn warn(message: impl fmt::Display) {
    err_line(&format!(
        "{}: {message}",
        colour("warning", console::Color::Yellow)
    ));
}

/// `note: ...` on stderr: something the person should know, not a problem.
pub(crate) fn note(message: impl fmt::Display) {
    err_line(&format!(
        "{}: {message}",
        colour("note", console::Color::Cyan)
    ));
}

/// A plain line on stderr (prompts' companions, progress that is not a
/// result).
pub(crate) fn info(message: impl fmt::Display) {
    err_line(&message.to_string());
}

/// Prints a value as pretty JSON on stdout (`--json`).
pub(crate) fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    write_out(
        format_args!("{}", serde_json::to_string_pretty(value)?),
        true,
    );
    Ok(())
}

/// Advice attached to an error, printed last as `hint: ...` rather than as
/// a cause (see [`HintExt`]).
#[derive(Debug)]
pub(crate) struct Hint {
    advice: String,
    error: anyhow::Error,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.advice)
    }
}

impl std::error::Error for Hint {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error.as_ref())
    }
}

/// `result.hint(|| "run `regctl init` first")`: what to do, shown after
/// the error and its causes.
pub(crate) trait HintExt<T> {
    fn hint<S: Into<String>>(self, advice: impl FnOnce() -> S) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> HintExt<T> for Result<T, E> {
    fn hint<S: Into<String>>(self, advice: impl FnOnce() -> S) -> anyhow::Result<T> {
        self.map_err(|e| {
            anyhow::Error::new(Hint {
                advice: advice().into(),
                error: e.into(),
            })
        })
    }
}

/// An operating-system error as people read it: "No such file or
/// directory", without the "(os error 2)" that means nothing to them.
fn plain(text: &str) -> String {
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text.to_string(),
    }
}

/// A short error with one cause reads best on one line.
const ONE_LINE: usize = 110;

/// The lines of an error report: the error, each cause once, then hints.
/// A cause whose text the line before already contains is left out, so a
/// message that quotes its cause is not repeated; a single short cause
/// joins the error's line (`error: cannot read x.yml: No such file or
/// directory`), longer chains get a `caused by:` line each.
pub(crate) fn error_lines(err: &anyhow::Error) -> Vec<String> {
    let mut facts: Vec<String> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    for cause in err.chain() {
        if cause.downcast_ref::<Hint>().is_some() {
            hints.push(cause.to_string());
            continue;
        }
        let text = plain(&cause.to_string());
        if text.is_empty() || facts.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        facts.push(text);
    }
    let mut lines = Vec::new();
    match facts.as_slice() {
        [one, cause] if one.len() + cause.len() + 2 <= ONE_LINE && !one.contains('\n') => {
            lines.push(format!("error: {one}: {cause}"));
        }
        _ => {
            for (i, fact) in facts.iter().enumerate() {
                if i == 0 {
                    lines.push(format!("error: {fact}"));
                } else {
                    lines.push(format!("  caused by: {fact}"));
                }
            }
        }
    }
    lines.extend(hints.iter().map(|h| format!("hint: {h}")));
    lines
}

/// Prints the final error report on stderr.
pub(crate) fn report(err: &anyhow::Error) {
    let lines = error_lines(err);
    let mut stderr = std::io::stderr().lock();
    for (i, line) in lines.iter().enumerate() {
        let line = if i == 0 {
            line.replacen("error", &colour("error", console::Color::Red), 1)
        } else {
            line.clone()
        };
        let _ = writeln!(stderr, "{line}");
    }
}

/// A spinner on stderr while something slow runs; invisible when stderr is
/// not a terminal, so logs and pipes get only the result lines.
pub(crate) struct Spinner(indicatif::ProgressBar);

impl Spinner {
    pub(crate) fn start(message: &str) -> Spinner {
        let pb = if std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new_spinner()
        } else {
            indicatif::ProgressBar::hidden()
        };
        pb.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        pb.set_message(message.to_string());
        pb.enable_steady_tick(Duration::from_millis(100));
        Spinner(pb)
    }

    /// Runs `f` with the spinner hidden, so its own output is not torn.
    pub(crate) fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.0.suspend(f)
    }

    pub(crate) fn finish(self) {
        self.0.finish_and_clear();
    }
}

/// `123 ms` below a second, `1.2 s` above.
pub(crate) fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read /t/x.yml")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn causes_once_and_hints_last() {
        let io = std::io::Error::from_raw_os_error(2);
        let err = Err::<(), _>(Outer(io))
            .hint(|| "run `regctl init` first")
            .context("invalid registry configuration /t/x.yml")
            .unwrap_err();
        assert_eq!(
            error_lines(&err),
            vec![
                "error: invalid registry configuration /t/x.yml",
                "  caused by: cannot read /t/x.yml",
                "  caused by: No such file or directory",
                "hint: run `regctl init` first",
            ]
        );
        // One short cause: one line.
        let err =
            anyhow::Error::new(std::io::Error::from_raw_os_error(2)).context("cannot read x.yml");
        assert_eq!(
            error_lines(&err),
            vec!["error: cannot read x.yml: No such file or directory"]
        );
        // A message that already quotes its cause does not repeat it.
        let err = anyhow::anyhow!("boom").context("it failed: boom");
        assert_eq!(error_lines(&err), vec!["error: it failed: boom"]);
    }
}
