//! The IPC patterns of Appendix 7: a subclass (`G06N*`, `G16H`), a main group with all its
//! subgroups (`G06F40*`), or one subgroup exactly (`A61B5/0476`).

use crate::symbol::{subclass_of, Symbol};
use std::fmt;

/// One printed IPC pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// The whole subclass: `G06N*` or `G16H`.
    Subclass([u8; 4]),
    /// A main group and all its subgroups: `G06F40*` (not `G06F4/…`, not `G06F400/…`).
    MainGroup([u8; 4], u16),
    /// Exactly one subgroup: `A61B5/0476`.
    Subgroup(Symbol),
}

/// Why a text is not a pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an IPC pattern such as `G06N*`, `G06F40*` or `A61B5/0476`, found `{0}`")]
pub struct PatternError(pub String);

impl Pattern {
    /// Parses `G06N*`, `G16H`, `G06F40*` or `A61B5/0476`.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let t = text.trim();
        let bad = || PatternError(t.to_string());
        let b = t.as_bytes();
        if b.len() < 4 {
            return Err(bad());
        }
        let subclass = subclass_of(&b[..4]).ok_or_else(bad)?;
        let rest = &t[4..];
        if rest.is_empty() || rest == "*" {
            return Ok(Pattern::Subclass(subclass));
        }
        if let Some(g) = rest.strip_suffix('*') {
            if g.is_empty()
                || g.starts_with('0')
                || g.len() > 4
                || !g.bytes().all(|c| c.is_ascii_digit())
            {
                return Err(bad());
            }
            let group: u16 = g.parse().map_err(|_| bad())?;
            return Ok(Pattern::MainGroup(subclass, group));
        }
        Symbol::parse(t)
            .ok()
            .filter(|_| rest.contains('/'))
            .map(Pattern::Subgroup)
            .ok_or_else(bad)
    }

    /// Whether `s` falls under this pattern.
    pub fn matches(&self, s: &Symbol) -> bool {
        match self {
            Pattern::Subclass(c) => s.subclass == *c,
            Pattern::MainGroup(c, g) => s.subclass == *c && s.group == *g,
            Pattern::Subgroup(x) => x == s,
        }
    }

    /// The subclass the pattern lies in.
    pub fn subclass(&self) -> [u8; 4] {
        match self {
            Pattern::Subclass(c) | Pattern::MainGroup(c, _) => *c,
            Pattern::Subgroup(s) => s.subclass,
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sc = |c: &[u8; 4]| std::str::from_utf8(c).expect("ASCII").to_string();
        match self {
            Pattern::Subclass(c) => write!(f, "{}*", sc(c)),
            Pattern::MainGroup(c, g) => write!(f, "{}{g}*", sc(c)),
            Pattern::Subgroup(s) => write!(f, "{}{}/{}", sc(&s.subclass), s.group, s.subgroup()),
        }
    }
}
