//! IPC symbols as record exports write them, parsed to (subclass, main group, subgroup).
//!
//! Accepted forms of one symbol (G06N 3/08): `G06N 3/08`, `G06N3/08`, `G06N   3/08`
//! (space-padded), `G06N0003080000` (the 14-character DOCDB form: 4-digit main group,
//! 6-digit subgroup padded with zeros on the right), each optionally followed by a version
//! such as `(2006.01)` or `(2006.01) A` and surrounded by spaces; letters in either case.

use std::fmt;

/// An IPC symbol down to the subgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol {
    /// Section, class and subclass, upper case: `G06N`.
    pub subclass: [u8; 4],
    /// Main group: 3 in `G06N 3/08`.
    pub group: u16,
    /// Subgroup digits as printed, at least two: `08`, `063`, `0476`.
    subgroup: [u8; 6],
    subgroup_len: u8,
}

/// Why a text is not an IPC symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an IPC symbol such as `G06N 3/08`, `G06N3/08` or `G06N0003080000`, found `{found}`: {why}")]
pub struct SymbolError {
    pub found: String,
    pub why: &'static str,
}

impl Symbol {
    /// The subgroup digits (`08` in `G06N 3/08`).
    pub fn subgroup(&self) -> &str {
        std::str::from_utf8(&self.subgroup[..self.subgroup_len as usize]).expect("ASCII digits")
    }

    /// Parses any accepted form.
    pub fn parse(text: &str) -> Result<Symbol, SymbolError> {
        let err = |why| SymbolError {
            found: clip(text),
            why,
        };
        let t = strip_version(text.trim());
        let b = t.as_bytes();
        if b.len() < 4 {
            return Err(err("too short for a subclass (e.g. G06N)"));
        }
        let subclass = subclass_of(&b[..4]).ok_or_else(|| {
            err("the first four characters are not a subclass (letter, two digits, letter)")
        })?;
        let rest = &t[4..];
        if !rest.contains('/') {
            // DOCDB: 4 + 4 + 6 digits, no separator.
            let r = rest.trim_start();
            if r.len() == 10 && r.bytes().all(|c| c.is_ascii_digit()) && rest.len() == 10 {
                let group: u16 = r[..4].parse().map_err(|_| err("bad main group"))?;
                if group == 0 {
                    return Err(err("main group 0 does not exist"));
                }
                let mut sub = r[4..].trim_end_matches('0').to_string();
                while sub.len() < 2 {
                    sub.push('0');
                }
                return Ok(Symbol::new(subclass, group, &sub));
            }
            return Err(err(
                "no `/` between main group and subgroup, and not the 14-character DOCDB form",
            ));
        }
        let (g, s) = rest.split_once('/').expect("checked");
        let g = g.trim_start_matches(' ');
        if g.is_empty() || g.len() > 4 || !g.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err("the main group must be 1 to 4 digits"));
        }
        let group: u16 = g.parse().map_err(|_| err("bad main group"))?;
        if group == 0 {
            return Err(err("main group 0 does not exist"));
        }
        let s = s.trim_end();
        if s.len() < 2 || s.len() > 6 || !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err("the subgroup must be 2 to 6 digits"));
        }
        Ok(Symbol::new(subclass, group, s))
    }

    pub(crate) fn new(subclass: [u8; 4], group: u16, subgroup: &str) -> Symbol {
        let mut sub = [b'0'; 6];
        sub[..subgroup.len()].copy_from_slice(subgroup.as_bytes());
        Symbol {
            subclass,
            group,
            subgroup: sub,
            subgroup_len: subgroup.len() as u8,
        }
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{}",
            std::str::from_utf8(&self.subclass).expect("ASCII"),
            self.group,
            self.subgroup()
        )
    }
}

/// `G06N` (any case) as upper-case bytes, if it has the shape of a subclass.
pub(crate) fn subclass_of(b: &[u8]) -> Option<[u8; 4]> {
    let s = [
        b[0].to_ascii_uppercase(),
        b[1],
        b[2],
        b[3].to_ascii_uppercase(),
    ];
    (matches!(s[0], b'A'..=b'H')
        && s[1].is_ascii_digit()
        && s[2].is_ascii_digit()
        && s[3].is_ascii_uppercase())
    .then_some(s)
}

/// Drops a trailing version such as `(2006.01)` and anything after it.
fn strip_version(t: &str) -> &str {
    match t.find('(') {
        Some(i) => t[..i].trim_end(),
        None => t,
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}
