//! The C++ reader: every `set`/`unordered_set`/`flat_set` definition with an initializer list
//! (see the [module doc](super) for what it accepts).

use super::{Entry, OpcodeSet, Problem};
use crate::sources::cpp::{self, Tok, TokKind};

const SET_TYPES: [&str; 3] = ["set", "unordered_set", "flat_set"];

/// The set name a declaration header defines, when the header is `… set<…> … name =` or
/// `… set<…> … name` (brace initialization) with no parentheses.
fn set_header(h: &[Tok]) -> Option<&Tok> {
    let lt = h.iter().position(|t| t.is_punct("<"))?;
    if lt == 0 || !SET_TYPES.contains(&h[lt - 1].text.as_str()) || h[lt - 1].kind != TokKind::Ident {
        return None;
    }
    if h.iter().any(|t| t.is_punct("(")) {
        return None;
    }
    let body = if h.last().is_some_and(|t| t.is_punct("=")) { &h[..h.len() - 1] } else { h };
    let name = body.last()?;
    (name.kind == TokKind::Ident && body.len() > lt + 1).then_some(name)
}

pub(super) fn parse_cpp(text: &str, sets: &mut Vec<OpcodeSet>) -> Vec<Problem> {
    let toks = match cpp::code_tokens(text) {
        Ok(t) => t,
        Err(e) => return vec![Problem::Lex { line: e.line, message: e.message }],
    };
    let mut problems = Vec::new();
    let mut header = 0usize;
    let mut i = 0usize;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct(";") || t.is_punct("}") {
            header = i + 1;
        } else if t.is_punct("{") {
            if let Some(name) = set_header(&toks[header.min(i)..i]) {
                let mut set = OpcodeSet { name: name.text.clone(), line: name.line, entries: Vec::new() };
                let Some(close) = cpp::matching(&toks, i) else {
                    problems.push(Problem::Unterminated { set: set.name, line: set.line });
                    break;
                };
                for item in toks[i + 1..close].split(|t| t.is_punct(",")) {
                    if item.is_empty() {
                        continue;
                    }
                    match opcode_name(item) {
                        Some(tok) => set.entries.push(Entry { opcode: tok.text.clone(), line: tok.line }),
                        None => problems.push(Problem::NotAName {
                            set: set.name.clone(),
                            line: item[0].line,
                            text: item.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "),
                        }),
                    }
                }
                sets.push(set);
                i = close;
            }
            header = i + 1;
        }
        i += 1;
    }
    problems
}

/// The last identifier of `[::]Ident(::Ident)*`, or `None` for anything else.
fn opcode_name(item: &[Tok]) -> Option<&Tok> {
    let item = if item.first().is_some_and(|t| t.is_punct("::")) { &item[1..] } else { item };
    let mut expect_ident = true;
    for t in item {
        let ok = if expect_ident { t.kind == TokKind::Ident } else { t.is_punct("::") };
        if !ok {
            return None;
        }
        expect_ident = !expect_ident;
    }
    if expect_ident {
        return None; // empty, or ends with `::`
    }
    item.last()
}
