//! The lexer: tokens with their lines, preprocessor directives, and the `#if 0` branches
//! [`code_tokens`] drops (see the module doc of [`crate::cpp`]).

use std::fmt;

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TokKind {
    /// An identifier or keyword.
    Ident,
    /// A numeric literal.
    Number,
    /// A string literal (its text is the whole literal, quotes included).
    Str,
    /// A character literal.
    Char,
    /// Punctuation: one character, or `::` or `->`.
    Punct,
    /// A whole preprocessor directive, continuation lines included.
    Directive,
}

/// One token with the line it starts on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Tok {
    /// What it is.
    pub kind: TokKind,
    /// Its text.
    pub text: String,
    /// The 1-based line it starts on.
    pub line: usize,
}

impl Tok {
    /// Whether this is the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == TokKind::Punct && self.text == p
    }
    /// Whether this is the identifier `name`.
    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == TokKind::Ident && self.text == name
    }
}

/// A lexing failure: a block comment or raw string literal that never ends.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LexError {
    /// The line the unterminated construct starts on.
    pub line: usize,
    /// What is unterminated.
    pub message: String,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LexError {}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit()
}

/// Splits C++ text into tokens, directives included (see [`code_tokens`] for the tokens a parser
/// wants). Comments and whitespace produce nothing.
pub fn lex(text: &str) -> Result<Vec<Tok>, LexError> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    // Whether only whitespace (or comments) came before `i` on this line: a `#` there starts a
    // directive.
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                // A line comment; a trailing backslash continues it.
                while i < b.len() {
                    if b[i] == b'\n' {
                        if ends_with_backslash(&b[..i]) {
                            line += 1;
                            i += 1;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = line;
                i += 2;
                loop {
                    if i + 1 >= b.len() {
                        return Err(LexError { line: start, message: "block comment `/*` is never closed".into() });
                    }
                    if b[i] == b'*' && b[i + 1] == b'/' {
                        i += 2;
                        break;
                    }
                    if b[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'#' if line_start => {
                let start = i;
                let start_line = line;
                while i < b.len() {
                    if b[i] == b'\n' {
                        if ends_with_backslash(&b[start..i]) {
                            line += 1;
                            i += 1;
                            continue;
                        }
                        break;
                    }
                    // A block comment inside a directive may span lines.
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        i += 2;
                        while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                            if b[i] == b'\n' {
                                line += 1;
                            }
                            i += 1;
                        }
                        i = (i + 2).min(b.len());
                        continue;
                    }
                    i += 1;
                }
                toks.push(Tok { kind: TokKind::Directive, text: text[start..i].to_string(), line: start_line });
            }
            b'"' => {
                let (end, lines) = quoted(b, i, b'"');
                toks.push(Tok { kind: TokKind::Str, text: text[i..end].to_string(), line });
                line += lines;
                i = end;
                line_start = false;
            }
            b'\'' => {
                let (end, lines) = quoted(b, i, b'\'');
                toks.push(Tok { kind: TokKind::Char, text: text[i..end].to_string(), line });
                line += lines;
                i = end;
                line_start = false;
            }
            _ if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                let start = i;
                let hex = c == b'0' && matches!(b.get(i + 1), Some(b'x') | Some(b'X'));
                i += 1;
                while i < b.len() {
                    let d = b[i];
                    if d.is_ascii_alphanumeric() || d == b'_' || d == b'.' {
                        i += 1;
                    } else if d == b'\'' && b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric()) {
                        i += 1; // digit separator
                    } else if (d == b'+' || d == b'-')
                        && (matches!(b[i - 1], b'p' | b'P') || (!hex && matches!(b[i - 1], b'e' | b'E')))
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push(Tok { kind: TokKind::Number, text: text[start..i].to_string(), line });
                line_start = false;
            }
            _ if is_ident_start(c) => {
                let start = i;
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                line_start = false;
                let next = b.get(i).copied();
                let raw = matches!(word, "R" | "u8R" | "uR" | "UR" | "LR");
                if raw && next == Some(b'"') {
                    let (end, lines) = raw_string(b, i, line)?;
                    toks.push(Tok { kind: TokKind::Str, text: text[start..end].to_string(), line });
                    line += lines;
                    i = end;
                } else if matches!(word, "u8" | "u" | "U" | "L") && matches!(next, Some(b'"') | Some(b'\'')) {
                    let q = next.unwrap_or(b'"');
                    let (end, lines) = quoted(b, i, q);
                    let kind = if q == b'"' { TokKind::Str } else { TokKind::Char };
                    toks.push(Tok { kind, text: text[start..end].to_string(), line });
                    line += lines;
                    i = end;
                } else {
                    toks.push(Tok { kind: TokKind::Ident, text: word.to_string(), line });
                }
            }
            _ => {
                let two = b.get(i + 1).copied();
                let len = match (c, two) {
                    (b':', Some(b':')) | (b'-', Some(b'>')) => 2,
                    _ => 1,
                };
                toks.push(Tok { kind: TokKind::Punct, text: text[i..i + len].to_string(), line });
                i += len;
                line_start = false;
            }
        }
    }
    Ok(toks)
}

/// Whether `s` ends with a backslash, ignoring a `\r` before the newline.
fn ends_with_backslash(s: &[u8]) -> bool {
    let s = s.strip_suffix(b"\r").unwrap_or(s);
    s.last() == Some(&b'\\')
}

/// The end (exclusive) of the literal quoted by `q` that starts at `start`, and how many
/// (escaped) newlines it spans. A literal left open runs to the end of its line: code that
/// compiles has none, but the prose of a `#if 0` branch may hold a lone apostrophe.
fn quoted(b: &[u8], start: usize, q: u8) -> (usize, usize) {
    let mut i = start + 1;
    let mut lines = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if b.get(i + 1) == Some(&b'\n') {
                    lines += 1;
                } else if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                    lines += 1;
                    i += 1;
                }
                i += 2;
            }
            b'\n' => return (i, lines),
            c if c == q => return (i + 1, lines),
            _ => i += 1,
        }
    }
    (b.len(), lines)
}

/// The end (exclusive) of the raw string whose `"` is at `quote`, and its newline count.
fn raw_string(b: &[u8], quote: usize, line: usize) -> Result<(usize, usize), LexError> {
    let open = b[quote + 1..].iter().position(|&c| c == b'(').map(|p| quote + 1 + p);
    let Some(open) = open.filter(|&o| o - quote - 1 <= 16) else {
        return Err(LexError { line, message: "raw string literal without `(`".into() });
    };
    let delim = &b[quote + 1..open];
    let mut i = open + 1;
    let mut lines = 0;
    while i < b.len() {
        if b[i] == b')' && b[i + 1..].starts_with(delim) && b.get(i + 1 + delim.len()) == Some(&b'"') {
            return Ok((i + 2 + delim.len(), lines));
        }
        if b[i] == b'\n' {
            lines += 1;
        }
        i += 1;
    }
    Err(LexError { line, message: "raw string literal is never closed".into() })
}

/// The directive's keyword (`if`, `ifdef`, `endif`, …) and the rest of its text.
fn directive_parts(text: &str) -> (&str, &str) {
    let rest = text.trim_start_matches('#').trim_start();
    let end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len());
    (&rest[..end], rest[end..].trim())
}

/// Whether a `#if`'s condition is a literal false (`0`, `false`, possibly in parentheses or
/// followed by a comment).
fn is_false_condition(cond: &str) -> bool {
    let cond = cond.split("//").next().unwrap_or("").split("/*").next().unwrap_or("").trim();
    let cond = cond.trim_start_matches('(').trim_end_matches(')').trim();
    cond == "0" || cond == "false"
}

/// The code tokens of `text`: [`lex`] without directives and without the `#if 0` branches.
pub fn code_tokens(text: &str) -> Result<Vec<Tok>, LexError> {
    let toks = lex(text)?;
    let mut out = Vec::with_capacity(toks.len());
    // While skipping a `#if 0` branch: the nesting depth of conditionals opened inside it.
    let mut skipping: Option<usize> = None;
    for t in toks {
        if t.kind != TokKind::Directive {
            if skipping.is_none() {
                out.push(t);
            }
            continue;
        }
        let (kw, rest) = directive_parts(&t.text);
        match (skipping, kw) {
            (None, "if") if is_false_condition(rest) => skipping = Some(0),
            (None, _) => {}
            (Some(d), "if" | "ifdef" | "ifndef") => skipping = Some(d + 1),
            (Some(0), "endif" | "else" | "elif" | "elifdef" | "elifndef") => skipping = None,
            (Some(d), "endif") => skipping = Some(d - 1),
            (Some(_), _) => {}
        }
    }
    Ok(out)
}

/// Index of the token that closes the bracket opened at `open` (`(`/`)`, `{`/`}`, `[`/`]`), or
/// `None` when the text ends first.
pub fn matching(toks: &[Tok], open: usize) -> Option<usize> {
    let (o, c) = match toks.get(open)?.text.as_str() {
        "(" => ("(", ")"),
        "{" => ("{", "}"),
        "[" => ("[", "]"),
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct(o) {
            depth += 1;
        } else if t.is_punct(c) {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_hide_code() {
        let src = "int a; // CMSG_X {\n/* { CMSG_Y\n } */ char c = '{'; auto s = \"//{\";\nR\"x(})x\" b;";
        let toks = code_tokens(src).unwrap();
        let words: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            ["int", "a", ";", "char", "c", "=", "'{'", ";", "auto", "s", "=", "\"//{\"", ";", "R\"x(})x\"", "b", ";"]
        );
        assert_eq!(toks[3].line, 3);
        assert_eq!(toks[14].line, 4);
    }

    #[test]
    fn if_zero_is_dropped_other_branches_kept() {
        let src = "#if 0\nint a;\n#if X\nint b;\n#endif\n#else\nint c;\n#endif\n#ifdef Y\nint d;\n#endif\n";
        let toks = code_tokens(src).unwrap();
        let names: Vec<_> =
            toks.iter().filter(|t| t.kind == TokKind::Ident && t.text != "int").map(|t| &t.text).collect();
        assert_eq!(names, ["c", "d"]);
    }

    #[test]
    fn unterminated_comment_is_an_error() {
        assert_eq!(code_tokens("int a;\n/* never").unwrap_err().line, 2);
    }

    #[test]
    fn a_lone_quote_runs_to_its_line_end() {
        let toks = code_tokens("#if 0\nit's prose\n#endif\nint a; // x\nchar b = 'q;\nint c;").unwrap();
        let words: Vec<_> = toks.iter().map(|t| (t.text.as_str(), t.line)).collect();
        assert_eq!(
            words,
            [
                ("int", 4),
                ("a", 4),
                (";", 4),
                ("char", 5),
                ("b", 5),
                ("=", 5),
                ("'q;", 5),
                ("int", 6),
                ("c", 6),
                (";", 6)
            ]
        );
    }
}
