//! `WWW-Authenticate` (RFC 9110 11.6.1): which scheme a registry asks for
//! and with what parameters. `doctor` reports it; a client of a token
//! server (a pull-through cache's upstream, Docker Hub) needs `realm`,
//! `service` and `scope` from a `Bearer` challenge.
//!
//! The header comes from whatever answers on the network, so the parser
//! never fails: what it cannot read ends the list of challenges.

/// One challenge: a scheme and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// As sent; compare with [`Challenge::is`], schemes are case-insensitive.
    pub scheme: String,
    /// `name=value` pairs, names lower-cased, quoted values unescaped.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub(crate) fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// A parameter by (case-insensitive) name.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A cursor over the header's bytes.
struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) {
        while self
            .s
            .get(self.at)
            .is_some_and(|b| *b == b' ' || *b == b'\t')
        {
            self.at += 1;
        }
    }

    fn skip_ws_and_commas(&mut self) {
        while self
            .s
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b','))
        {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn token(&mut self) -> Option<String> {
        let start = self.at;
        while self.peek().is_some_and(is_tchar) {
            self.at += 1;
        }
        (self.at > start).then(|| String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }

    /// A quoted string without its quotes and with `\x` unescaped; `None`
    /// when it does not end.
    fn quoted(&mut self) -> Option<String> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.at += 1;
                    out.push(self.peek()?);
                    self.at += 1;
                }
                b => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
    }

    /// `token68` (`abc123==`) when it is all that follows the scheme, as
    /// Negotiate sends; the cursor is left alone otherwise.
    fn token68(&mut self) -> Option<String> {
        let start = self.at;
        let mut i = start;
        while self
            .s
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(b))
        {
            i += 1;
        }
        if i == start {
            return None;
        }
        while self.s.get(i) == Some(&b'=') {
            i += 1;
        }
        let end = i;
        while self.s.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        if !matches!(self.s.get(i), None | Some(b',')) {
            return None;
        }
        self.at = end;
        Some(String::from_utf8_lossy(&self.s[start..end]).into_owned())
    }

    /// After a token: does `=` follow (an auth-param), rather than a
    /// space and the next scheme?
    fn at_equals(&self) -> bool {
        let mut i = self.at;
        while self.s.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        // token68 ends in `=` padding followed by a comma, space or end;
        // a parameter's `=` is followed by its value.
        self.s.get(i) == Some(&b'=')
    }
}

/// Every challenge in a `WWW-Authenticate` value, in order.
pub(crate) fn parse(header: &str) -> Vec<Challenge> {
    let mut c = Cursor {
        s: header.as_bytes(),
        at: 0,
    };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        c.skip_ws_and_commas();
        let Some(scheme) = c.token() else {
            return out;
        };
        let mut challenge = Challenge {
            scheme,
            params: Vec::new(),
        };
        c.skip_ws();
        if let Some(t) = c.token68() {
            challenge.params.push((String::new(), t));
            out.push(challenge);
            continue;
        }
        // Parameters until the next scheme (a token not followed by `=`).
        loop {
            c.skip_ws_and_commas();
            let mark = c.at;
            let Some(name) = c.token() else {
                break;
            };
            if !c.at_equals() {
                // The next challenge's scheme.
                c.at = mark;
                break;
            }
            c.skip_ws();
            c.at += 1; // '='
            c.skip_ws();
            let value = match c.peek() {
                Some(b'"') => match c.quoted() {
                    Some(v) => v,
                    None => {
                        out.push(challenge);
                        return out;
                    }
                },
                _ => c.token().unwrap_or_default(),
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
        }
        out.push(challenge);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_challenges() {
        let c = parse(r#"Basic realm="regctl""#);
        assert_eq!(c.len(), 1);
        assert!(c[0].is("basic"));
        assert_eq!(c[0].param("Realm"), Some("regctl"));

        let hub = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#;
        let c = parse(hub);
        assert!(c[0].is("Bearer"));
        assert_eq!(c[0].param("service"), Some("registry.docker.io"));
        assert_eq!(c[0].param("scope"), Some("repository:library/alpine:pull"));
    }

    #[test]
    fn several_challenges_escapes_and_garbage() {
        let c = parse(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].param("title"), Some(r#"Login to "apps""#));
        assert_eq!(c[0].param("type"), Some("1"));
        assert!(c[1].is("basic"));
        assert_eq!(c[1].param("realm"), Some("simple"));

        let c = parse("Negotiate abc123==, Basic");
        assert_eq!(c[0].param(""), Some("abc123=="));
        assert!(c.iter().any(|c| c.is("basic")));

        assert!(parse("").is_empty());
        assert!(parse(" ,, ").is_empty());
        let c = parse(r#"Basic realm="never ends"#);
        assert!(c[0].is("basic"));
    }
}
