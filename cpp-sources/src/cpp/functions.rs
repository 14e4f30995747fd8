//! The function finder: the function definitions of a C++ file, with the lines they span.

use super::lexer::{code_tokens, matching, LexError, Tok, TokKind};

/// A function definition found in a C++ file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FunctionDef {
    /// The qualified name without template arguments or parameters, e.g.
    /// `AuraApplication::_HandleEffect`; a member defined inside its class is qualified with the
    /// class, e.g. `LockedQueue::next`.
    pub name: String,
    /// The line of the name.
    pub line: usize,
    /// The line of the closing brace (the last line when the file ends first).
    pub end: usize,
}

impl FunctionDef {
    /// Whether `line` lies between the name and the closing brace.
    pub fn contains(&self, line: usize) -> bool {
        self.line <= line && line <= self.end
    }
}

#[derive(Clone, Debug)]
enum Scope {
    Namespace,
    Class(String),
}

const CLASS_KEYS: [&str; 4] = ["class", "struct", "union", "enum"];
const QUALIFIERS: [&str; 9] = ["const", "volatile", "override", "final", "noexcept", "mutable", "&", "&&", "throw"];

/// The function definitions of C++ text, in file order. Lambdas and local classes inside a
/// function body are not listed; members defined inside a class body are.
pub fn functions(text: &str) -> Result<Vec<FunctionDef>, LexError> {
    let toks = code_tokens(text)?;
    let last_line = text.split('\n').count();
    Ok(find_functions(&toks, last_line))
}

fn find_functions(toks: &[Tok], last_line: usize) -> Vec<FunctionDef> {
    let mut defs = Vec::new();
    let mut scopes: Vec<Scope> = Vec::new();
    let mut header = 0usize;
    let mut i = 0usize;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct(";") {
            header = i + 1;
        } else if t.is_punct("}") {
            scopes.pop();
            header = i + 1;
        } else if t.kind == TokKind::Ident
            && matches!(t.text.as_str(), "public" | "private" | "protected")
            && toks.get(i + 1).is_some_and(|n| n.is_punct(":"))
            && matches!(scopes.last(), Some(Scope::Class(_)))
        {
            header = i + 2;
            i += 1;
        } else if t.is_punct("{") {
            let h = &toks[header.min(i)..i];
            match classify(h) {
                Header::Namespace => {
                    scopes.push(Scope::Namespace);
                    header = i + 1;
                }
                Header::Class(name) => {
                    scopes.push(Scope::Class(name));
                    header = i + 1;
                }
                Header::Function { name, line, ctor_init } => {
                    // In a constructor's initializer list, `member{…}` braces come before the body.
                    let mut open = i;
                    if ctor_init {
                        while toks[open - 1].kind == TokKind::Ident || toks[open - 1].is_punct(">") {
                            let Some(close) = matching(toks, open) else { break };
                            match toks[close + 1..].iter().position(|t| t.is_punct("{")) {
                                Some(p) => open = close + 1 + p,
                                None => break,
                            }
                        }
                    }
                    let mut full = String::new();
                    for s in &scopes {
                        if let Scope::Class(c) = s {
                            full.push_str(c);
                            full.push_str("::");
                        }
                    }
                    full.push_str(&name);
                    let close = matching(toks, open);
                    let end = close.map_or(last_line, |c| toks[c].line);
                    defs.push(FunctionDef { name: full, line, end });
                    i = close.unwrap_or(toks.len());
                    header = i + 1;
                }
                Header::Other => {
                    i = matching(toks, i).unwrap_or(toks.len());
                    header = i + 1;
                }
            }
        }
        i += 1;
    }
    defs
}

enum Header {
    Namespace,
    Class(String),
    Function { name: String, line: usize, ctor_init: bool },
    Other,
}

/// Skips `template <…>` prefixes and `[[…]]` attributes at the start of a header.
fn skip_prefixes(h: &[Tok]) -> &[Tok] {
    let mut h = h;
    loop {
        if h.first().is_some_and(|t| t.is_ident("template")) && h.get(1).is_some_and(|t| t.is_punct("<")) {
            let mut depth = 0i32;
            let mut end = None;
            for (k, t) in h.iter().enumerate().skip(1) {
                if t.is_punct("<") {
                    depth += 1;
                } else if t.is_punct(">") {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(k);
                        break;
                    }
                }
            }
            match end {
                Some(e) => h = &h[e + 1..],
                None => return h,
            }
        } else if h.first().is_some_and(|t| t.is_punct("[")) && h.get(1).is_some_and(|t| t.is_punct("[")) {
            match matching(h, 0) {
                Some(e) => h = &h[e + 1..],
                None => return h,
            }
        } else {
            return h;
        }
    }
}

fn classify(h: &[Tok]) -> Header {
    let h = skip_prefixes(h);
    let Some(first) = h.first() else { return Header::Other };
    if first.is_ident("namespace")
        || (first.is_ident("inline") && h.get(1).is_some_and(|t| t.is_ident("namespace")))
        || (first.is_ident("extern") && h.get(1).is_some_and(|t| t.kind == TokKind::Str))
    {
        return Header::Namespace;
    }
    // The first parenthesis at depth 0, and whether an `=` (not `operator=`) comes before it.
    let mut paren = None;
    for (k, t) in h.iter().enumerate() {
        if t.is_punct("(") {
            paren = Some(k);
            break;
        }
        if t.is_punct("=") && !h[..k].iter().any(|o| o.is_ident("operator")) {
            return Header::Other;
        }
    }
    let class_key = h.iter().position(|t| t.kind == TokKind::Ident && CLASS_KEYS.contains(&t.text.as_str()));
    if let (Some(k), None) = (class_key, paren) {
        if h[k].is_ident("enum") {
            return Header::Other;
        }
        // The name: the last identifier before a base clause (`:`), ignoring `final`.
        let upto = h[k + 1..].iter().position(|t| t.is_punct(":")).map_or(h.len(), |p| k + 1 + p);
        let mut depth = 0i32;
        let mut name = None;
        for t in &h[k + 1..upto] {
            if t.is_punct("<") {
                depth += 1;
            } else if t.is_punct(">") {
                depth -= 1;
            } else if depth == 0 && t.kind == TokKind::Ident && t.text != "final" {
                name = Some(t.text.clone());
            }
        }
        return name.map_or(Header::Other, Header::Class);
    }
    let Some(p) = paren else { return Header::Other };
    let Some(close) = matching(h, p) else { return Header::Other };
    // After the parameters: qualifiers, a trailing return type, or a constructor's initializers.
    let tail = &h[close + 1..];
    let ctor_init = tail.iter().any(|t| t.is_punct(":"));
    if !ctor_init {
        let ok = tail.iter().all(|t| {
            QUALIFIERS.contains(&t.text.as_str())
                || t.is_punct("->")
                || t.kind == TokKind::Ident
                || matches!(t.text.as_str(), "::" | "<" | ">" | "*" | "," | "(" | ")")
        });
        if !ok {
            return Header::Other;
        }
    }
    match qualified_name_before(h, p) {
        Some((name, line)) => Header::Function { name, line, ctor_init },
        None => Header::Other,
    }
}

/// The qualified name that ends just before `h[p]` (a `(`), template arguments dropped.
fn qualified_name_before(h: &[Tok], p: usize) -> Option<(String, usize)> {
    let mut k = p.checked_sub(1)?;
    let mut parts: Vec<String> = Vec::new();
    let line;
    // `operator==(`, `operator()(`, `operator new(`, …
    if let Some(op) = (0..k.min(4) + 1).map(|d| k - d).find(|&j| h[j].is_ident("operator")) {
        let mut s = String::from("operator");
        for t in &h[op + 1..=k] {
            s.push_str(&t.text);
        }
        parts.push(s);
        line = h[op].line;
        k = op;
    } else {
        let t = &h[k];
        if t.kind != TokKind::Ident {
            return None;
        }
        let mut name = t.text.clone();
        line = t.line;
        if k > 0 && h[k - 1].is_punct("~") {
            name.insert(0, '~');
            k -= 1;
        }
        parts.push(name);
    }
    // Walk back over `Qual<Args>::`.
    while k >= 2 && h[k - 1].is_punct("::") {
        let mut j = k - 2;
        if h[j].is_punct(">") {
            let mut depth = 0i32;
            loop {
                if h[j].is_punct(">") {
                    depth += 1;
                } else if h[j].is_punct("<") {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j = j.checked_sub(1)?;
            }
            j = j.checked_sub(1)?;
        }
        if h[j].kind != TokKind::Ident {
            break;
        }
        parts.push(h[j].text.clone());
        k = j;
    }
    parts.reverse();
    Some((parts.join("::"), line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_functions_and_members() {
        let src = "namespace N {\ntemplate<class T>\nclass Q {\npublic:\n    bool next(T& r)\n    {\n        return true;\n    }\n};\n}\n\
                   void Unit::_ApplyAura(AuraApplication* a, uint32 m)\n{\n    if (x) { y(); }\n}\n\
                   Foo::Foo() : a(1), b{2}\n{\n}\nstd::set<int> const s = { 1 };\nbool operator==(A const&, A const&) { return true; }\n";
        let defs = functions(src).unwrap();
        let got: Vec<_> = defs.iter().map(|d| (d.name.as_str(), d.line, d.end)).collect();
        assert_eq!(
            got,
            [("Q::next", 5, 8), ("Unit::_ApplyAura", 11, 14), ("Foo::Foo", 15, 17), ("operator==", 19, 19)]
        );
    }
}
