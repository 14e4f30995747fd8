//! `Opcodes.h`: the members of `enum OpcodeClient` and their wire values.

use super::expr::{constants, evaluate};
use super::{problem, split_top, tokens, EnumEntry, TcProblemKind, TrinityError};
use crate::cpp::{self, TokKind};
use std::path::Path;

/// The members of `enum OpcodeClient` in `text` (the text of `Opcodes.h`; `file` names it in
/// errors), with their values. Every bad value is reported.
pub fn parse_opcode_enum(file: &Path, text: &str) -> Result<Vec<EnumEntry>, TrinityError> {
    let toks = tokens(file, text)?;
    let start = (0..toks.len()).find(|&k| {
        toks[k].is_ident("enum") && {
            let mut j = k + 1;
            if toks.get(j).is_some_and(|t| t.is_ident("class") || t.is_ident("struct")) {
                j += 1;
            }
            toks.get(j).is_some_and(|t| t.is_ident("OpcodeClient"))
        }
    });
    let no_enum = || TrinityError { problems: vec![problem(file, None, TcProblemKind::NoEnum)] };
    let start = start.ok_or_else(no_enum)?;
    let open = (start..toks.len()).find(|&k| toks[k].is_punct("{") || toks[k].is_punct(";")).ok_or_else(no_enum)?;
    if !toks[open].is_punct("{") {
        return Err(no_enum());
    }
    let Some(close) = cpp::matching(&toks, open) else {
        return Err(TrinityError {
            problems: vec![problem(
                file,
                Some(toks[open].line),
                TcProblemKind::Lex { message: "enum OpcodeClient's `{` is never closed".into() },
            )],
        });
    };
    let mut env = constants(&toks);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut next: Option<i128> = Some(0);
    for item in split_top(&toks[open + 1..close]) {
        if item.is_empty() {
            continue;
        }
        let name = &item[0];
        if name.kind != TokKind::Ident || (item.len() > 1 && !item[1].is_punct("=")) {
            let text = item.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
            problems.push(problem(
                file,
                Some(name.line),
                TcProblemKind::BadValue { name: text, message: "not `NAME` or `NAME = value`".into() },
            ));
            next = None;
            continue;
        }
        let value = if item.len() > 1 {
            evaluate(&item[2..], &env)
        } else {
            next.ok_or_else(|| "follows a member without a value".to_string())
        };
        match value.and_then(|v| u32::try_from(v).map_err(|_| format!("{v} does not fit in uint32"))) {
            Ok(v) => {
                env.insert(name.text.clone(), i128::from(v));
                entries.push(EnumEntry { name: name.text.clone(), value: v, line: name.line });
                next = Some(i128::from(v) + 1);
            }
            Err(message) => {
                problems.push(problem(
                    file,
                    Some(name.line),
                    TcProblemKind::BadValue { name: name.text.clone(), message },
                ));
                next = None;
            }
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(TrinityError { problems })
    }
}
