//! `Opcodes.cpp`: the `DEFINE_HANDLER(opcode, status, processing, handler);` uses.

use super::{problem, split_top, tokens, HandlerDef, TcProblemKind, TrinityError};
use crate::cpp::{self, Tok, TokKind};
use std::path::Path;

/// `Ident(::Ident)*` as one string, or `None`.
fn qualified(toks: &[Tok]) -> Option<String> {
    let toks = if toks.first().is_some_and(|t| t.is_punct("::")) { &toks[1..] } else { toks };
    let mut s = String::new();
    for (k, t) in toks.iter().enumerate() {
        let ok = if k % 2 == 0 { t.kind == TokKind::Ident } else { t.is_punct("::") };
        if !ok {
            return None;
        }
        s.push_str(&t.text);
    }
    (toks.len() % 2 == 1).then_some(s)
}

/// The last component of a qualified name.
fn last_part(s: &str) -> &str {
    s.rsplit("::").next().unwrap_or(s)
}

/// The `DEFINE_HANDLER(…)` uses of `text` (the text of `Opcodes.cpp`; `file` names it in
/// errors), in file order. Every malformed use is reported.
pub fn parse_handlers(file: &Path, text: &str) -> Result<Vec<HandlerDef>, TrinityError> {
    let toks = tokens(file, text)?;
    let mut defs = Vec::new();
    let mut problems = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if !(toks[k].is_ident("DEFINE_HANDLER") && toks.get(k + 1).is_some_and(|t| t.is_punct("("))) {
            k += 1;
            continue;
        }
        let line = toks[k].line;
        let bad = |message: String| problem(file, Some(line), TcProblemKind::BadHandler { message });
        let Some(close) = cpp::matching(&toks, k + 1) else {
            problems.push(bad("`(` is never closed".into()));
            break;
        };
        let args = split_top(&toks[k + 2..close]);
        k = close + 1;
        if args.len() != 4 {
            problems.push(bad(format!("{} arguments, expected 4 (opcode, status, processing, handler)", args.len())));
            continue;
        }
        let handler_toks = if args[3].first().is_some_and(|t| t.is_punct("&")) { &args[3][1..] } else { args[3] };
        let parts = [qualified(args[0]), qualified(args[1]), qualified(args[2]), qualified(handler_toks)];
        match parts {
            [Some(op), Some(st), Some(pr), Some(h)] => defs.push(HandlerDef {
                opcode: last_part(&op).to_string(),
                status: last_part(&st).to_string(),
                processing: last_part(&pr).to_string(),
                handler: h,
                line,
            }),
            _ => {
                let shown: Vec<String> =
                    args.iter().map(|a| a.iter().map(|t| t.text.as_str()).collect::<String>()).collect();
                problems.push(bad(format!("expected four names, got ({})", shown.join(", "))));
            }
        }
    }
    if defs.is_empty() && problems.is_empty() {
        problems.push(problem(file, None, TcProblemKind::NoHandlers));
    }
    if problems.is_empty() {
        Ok(defs)
    } else {
        Err(TrinityError { problems })
    }
}
