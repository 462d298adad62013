//! Texts of Arrow string views as fixed-size keys, and the maps the walks and kernels key
//! by them: an export repeats the same short texts millions of times (family numbers,
//! applicant names, IPC symbols), and a fixed-size key is hashed and compared as a few
//! machine words, without a pointer to follow or bytes to copy.
//!
//! Three tiers, by the text's length in bytes:
//! - up to 12: the string view itself (length and bytes, the rest cleared), as Arrow stores
//!   a short text inline in its view;
//! - 13 to 31: 32 bytes, the length first and the text after it, zero-padded;
//! - longer: the text, boxed.
//!
//! A text has exactly one key in exactly one tier, so equal keys mean equal texts.

use datafusion::arrow::array::{Array, StringViewArray};
use std::collections::HashMap;

/// The view of `text` as an Arrow string view holds it when it sits inline (≤ 12 bytes).
pub(crate) fn inline_view(text: &[u8]) -> Option<u128> {
    (text.len() <= 12).then(|| {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&(text.len() as u32).to_le_bytes());
        b[4..4 + text.len()].copy_from_slice(text);
        u128::from_le_bytes(b)
    })
}

/// A string view's 16 bytes as the key of its text, if the text sits inline (≤ 12 bytes):
/// the length and the bytes, anything past the length cleared. A null reads as empty (0).
pub(crate) fn inline_key(a: &StringViewArray, r: usize) -> Option<u128> {
    if a.is_null(r) {
        return Some(0);
    }
    let view = a.views()[r];
    let len = view as u32;
    (len <= 12).then(|| view & (u128::MAX >> (96 - 8 * len)))
}

/// Texts of 13 to 31 bytes: the length, then the text, zero-padded to 32 bytes.
fn medium_key(text: &[u8]) -> Option<[u64; 4]> {
    (text.len() < 32).then(|| {
        let mut b = [0u8; 32];
        b[0] = text.len() as u8;
        b[1..=text.len()].copy_from_slice(text);
        std::array::from_fn(|i| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap()))
    })
}

/// A text's key in a [`TextMap`].
enum TextKey {
    Inline(u128),
    Medium([u64; 4]),
    Long,
}

/// The key of row `r` of `a` (a null reads as the empty text).
fn text_key(a: &StringViewArray, r: usize) -> TextKey {
    if let Some(k) = inline_key(a, r) {
        return TextKey::Inline(k);
    }
    match medium_key(a.value(r).as_bytes()) {
        Some(k) => TextKey::Medium(k),
        None => TextKey::Long,
    }
}

/// A map from the texts of string arrays to values, by the three keys of the module docs:
/// inline and medium texts in [`SlotTable`]s, long ones in a hash map.
pub(crate) struct TextMap<V> {
    inline: SlotTable<u128, V>,
    medium: SlotTable<[u64; 4], V>,
    long: HashMap<Box<str>, V, ahash::RandomState>,
}

impl<V: Copy + Default> Default for TextMap<V> {
    fn default() -> Self {
        TextMap {
            inline: SlotTable::default(),
            medium: SlotTable::default(),
            long: HashMap::with_hasher(ahash::RandomState::new()),
        }
    }
}

impl<V: Copy + Default> TextMap<V> {
    /// A map with room for `n` inline texts before it grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut map = TextMap::default();
        map.inline.reserve(n);
        map
    }

    /// The values of every row of `a` in row order (a null reads as the empty text), each
    /// made by `make` from the text on first sight (in row order). The slots of the texts a few
    /// rows ahead are fetched into the cache first, so that the lookups of a table larger
    /// than the cache wait for memory together rather than one after another.
    pub(crate) fn values(&mut self, a: &StringViewArray, make: impl FnMut(&str) -> V) -> Vec<V> {
        self.values_by(a, a.len(), |i| i, make)
    }

    /// [`TextMap::values`] of the rows `rows` of `a`, in that order.
    pub(crate) fn values_at(
        &mut self,
        a: &StringViewArray,
        rows: &[usize],
        make: impl FnMut(&str) -> V,
    ) -> Vec<V> {
        self.values_by(a, rows.len(), |i| rows[i], make)
    }

    /// The values of rows `row(0)`, …, `row(n - 1)` of `a`.
    fn values_by(
        &mut self,
        a: &StringViewArray,
        n: usize,
        row: impl Fn(usize) -> usize,
        mut make: impl FnMut(&str) -> V,
    ) -> Vec<V> {
        const AHEAD: usize = 16;
        let keys: Vec<(TextKey, u64)> = (0..n)
            .map(|i| {
                let k = text_key(a, row(i));
                let h = match &k {
                    TextKey::Inline(k) => self.inline.hash(k),
                    TextKey::Medium(k) => self.medium.hash(k),
                    TextKey::Long => 0,
                };
                (k, h)
            })
            .collect();
        self.inline.reserve(n);
        self.medium.reserve(n);
        (0..n)
            .map(|i| {
                let r = row(i);
                match keys.get(i + AHEAD) {
                    Some((TextKey::Inline(_), h)) => self.inline.prefetch(*h),
                    Some((TextKey::Medium(_), h)) => self.medium.prefetch(*h),
                    _ => {}
                }
                let text = || if a.is_null(r) { "" } else { a.value(r) };
                match keys[i] {
                    (TextKey::Inline(k), h) => {
                        self.inline.get_or_insert_with(k, h, || make(text()))
                    }
                    (TextKey::Medium(k), h) => {
                        self.medium.get_or_insert_with(k, h, || make(text()))
                    }
                    (TextKey::Long, _) => self.long_value(text(), &mut make),
                }
            })
            .collect()
    }

    fn long_value(&mut self, text: &str, make: impl FnOnce(&str) -> V) -> V {
        if let Some(v) = self.long.get(text) {
            return *v;
        }
        let v = make(text);
        self.long.insert(text.into(), v);
        v
    }

    /// Distinct texts held.
    pub(crate) fn len(&self) -> usize {
        self.inline.len
            + usize::from(self.inline.zero.is_some())
            + self.medium.len
            + self.long.len()
    }

    /// Forgets every text.
    pub(crate) fn clear(&mut self) {
        self.inline.clear();
        self.medium.clear();
        self.long.clear();
    }
}

/// Dense numbers (0, 1, 2, … in order of first sight) for the texts seen in a walk.
#[derive(Default)]
pub(crate) struct Numbers {
    map: TextMap<u32>,
    /// Texts numbered so far.
    pub(crate) next: u32,
}

impl Numbers {
    /// Numbers with room for `n` inline texts before the table grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Numbers {
            map: TextMap::with_capacity(n),
            next: 0,
        }
    }

    /// The numbers of every row of `a` (none null), in row order, the table's memory fetched
    /// ahead ([`TextMap::values`]).
    pub(crate) fn of_all(&mut self, a: &StringViewArray) -> Vec<u32> {
        let next = &mut self.next;
        self.map.values(a, |_| {
            *next += 1;
            *next - 1
        })
    }

    /// The numbers of rows `rows` of `a` (none null), in that order, and whether each is
    /// new, the table's memory fetched ahead.
    pub(crate) fn of_rows(&mut self, a: &StringViewArray, rows: &[usize]) -> Vec<(u32, bool)> {
        let next = &mut self.next;
        let first = *next;
        let numbers = self.map.values_at(a, rows, |_| {
            *next += 1;
            *next - 1
        });
        // Within the call, a number is new where it first appears at or past `first`.
        let mut seen = first;
        numbers
            .into_iter()
            .map(|n| {
                let new = n == seen;
                if new {
                    seen += 1;
                }
                (n, new)
            })
            .collect()
    }
}

/// A fixed-size key of a [`SlotTable`]; `ZERO` marks an empty slot.
trait Key: Copy + Eq + std::hash::Hash {
    const ZERO: Self;
}

impl Key for u128 {
    const ZERO: Self = 0;
}

impl Key for [u64; 4] {
    const ZERO: Self = [0; 4];
}

/// Fixed-size keys to values: open addressing with linear probing in a power-of-two array
/// of slots at most half full, so that a lookup mostly reads one slot, whose address is
/// known from the hash before the lookup, for [`TextMap::values`] to prefetch (hashbrown's
/// tables do not expose it). The key `ZERO` (the empty text) marks an empty slot; its own
/// value is kept apart.
struct SlotTable<K, V> {
    slots: Vec<(K, V)>,
    len: usize,
    zero: Option<V>,
    hasher: ahash::RandomState,
}

impl<K, V> Default for SlotTable<K, V> {
    fn default() -> Self {
        SlotTable {
            slots: Vec::new(),
            len: 0,
            zero: None,
            hasher: ahash::RandomState::new(),
        }
    }
}

impl<K: Key, V: Copy + Default> SlotTable<K, V> {
    fn hash(&self, k: &K) -> u64 {
        self.hasher.hash_one(k)
    }

    fn slot_of(&self, h: u64) -> usize {
        h as usize & (self.slots.len() - 1)
    }

    /// Room for `n` more keys without growing.
    fn reserve(&mut self, n: usize) {
        let need = (self.len + n).saturating_mul(2).next_power_of_two().max(16);
        if need <= self.slots.len() {
            return;
        }
        // Empty slots written in order: measured, cheaper than memory the system zeroes page
        // by page as random inserts first touch it (0.2 s more system time for a million
        // families).
        let mut slots = Vec::with_capacity(need);
        slots.resize(need, (K::ZERO, V::default()));
        let old = std::mem::replace(&mut self.slots, slots);
        for (k, v) in old.into_iter().filter(|(k, _)| *k != K::ZERO) {
            let mut i = self.slot_of(self.hash(&k));
            while self.slots[i].0 != K::ZERO {
                i = (i + 1) & (self.slots.len() - 1);
            }
            self.slots[i] = (k, v);
        }
    }

    /// Asks the processor to bring the first slot of hash `h` into the cache.
    fn prefetch(&self, h: u64) {
        if self.slots.is_empty() {
            return;
        }
        let _slot: *const (K, V) = &self.slots[self.slot_of(h)];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint that reads nothing into the program and never faults,
        // and SSE (the instruction's feature) is part of every x86-64 processor.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                _slot as *const i8,
            );
        }
    }

    /// The value of key `k` (hash `h`), made by `make` if the key is new.
    fn get_or_insert_with(&mut self, k: K, h: u64, make: impl FnOnce() -> V) -> V {
        if k == K::ZERO {
            return *self.zero.get_or_insert_with(make);
        }
        if self.slots.is_empty() {
            self.reserve(1);
        }
        let mut i = self.slot_of(h);
        loop {
            let (key, value) = self.slots[i];
            if key == k {
                return value;
            }
            if key == K::ZERO {
                // A new key: grow first if it would fill the table past half (the batch
                // lookups reserve ahead, so this seldom happens), then probe afresh.
                if (self.len + 1) * 2 > self.slots.len() {
                    self.reserve(1);
                    i = self.slot_of(h);
                    continue;
                }
                let v = make();
                self.slots[i] = (k, v);
                self.len += 1;
                return v;
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }

    fn clear(&mut self) {
        self.slots = Vec::new();
        self.len = 0;
        self.zero = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: texts numbered by first sight in the order `order` visits them, and
    /// whether each is new.
    fn first_sight(texts: &[&str], order: &[usize]) -> Vec<(u32, bool)> {
        let mut first: Vec<&str> = Vec::new();
        order
            .iter()
            .map(|r| match first.iter().position(|f| *f == texts[*r]) {
                Some(n) => (n as u32, false),
                None => {
                    first.push(texts[*r]);
                    (first.len() as u32 - 1, true)
                }
            })
            .collect()
    }

    #[test]
    fn each_text_has_one_key_and_equal_texts_one_number() {
        let texts = [
            "",
            "a",
            "twelve bytes",
            "thirteen byte",
            "a text of thirty-one bytes long",
            "a text of thirty-two bytes long!",
            "a",
            "thirteen byte",
            "a text of thirty-one bytes long",
            "a text of thirty-two bytes long!",
            "thirteen bytf",
            "a text of thirty-one bytes lonG",
            "a text of thirty-two bytes long?",
            "ab\0",
            "ab",
        ];
        let a = StringViewArray::from(texts.to_vec());
        let all: Vec<usize> = (0..texts.len()).collect();
        let want = first_sight(&texts, &all);
        let mut batched = Numbers::default();
        let got = batched.of_all(&a);
        assert_eq!(got, want.iter().map(|w| w.0).collect::<Vec<_>>());
        assert_eq!(batched.next, 11);
        // One row at a time.
        let mut single = Numbers::default();
        let got: Vec<(u32, bool)> = all.iter().flat_map(|r| single.of_rows(&a, &[*r])).collect();
        assert_eq!(got, want);
    }

    proptest! {
        /// Texts from a small alphabet, of every tier's lengths, many repeated: numbered as a
        /// batch (the table growing as it fills), and every other row then the rest, as
        /// first sight says.
        #[test]
        fn numbers_are_first_sight_order(
            texts in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec!["a", "b", "\0"]), 0..40)
                    .prop_map(|t| t.concat()),
                0..300,
            )
        ) {
            let texts: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
            let a = StringViewArray::from(texts.clone());
            let all: Vec<usize> = (0..a.len()).collect();
            let want: Vec<u32> = first_sight(&texts, &all).iter().map(|w| w.0).collect();
            let mut batched = Numbers::with_capacity(1);
            prop_assert_eq!(batched.of_all(&a), want);
            let (even, odd): (Vec<usize>, Vec<usize>) = all.iter().partition(|r| *r % 2 == 0);
            let order: Vec<usize> = even.iter().chain(&odd).copied().collect();
            let mut rows = Numbers::default();
            let mut got = rows.of_rows(&a, &even);
            got.extend(rows.of_rows(&a, &odd));
            prop_assert_eq!(got, first_sight(&texts, &order));
        }
    }

    #[test]
    fn a_text_differing_only_in_padding_is_another_text() {
        // A trailing zero byte must not meet the padding of the shorter text.
        assert_ne!(medium_key(b"thirteen byte"), medium_key(b"thirteen byte\0"));
        assert_ne!(inline_view(b"ab"), inline_view(b"ab\0"));
        assert_eq!(medium_key(&[b'x'; 32]), None);
    }

    #[test]
    fn memo_makes_each_text_once() {
        let a = StringViewArray::from(vec![
            Some("G06N 3/08 (2006.01)"),
            None,
            Some("G06N 3/08 (2006.01)"),
            Some("G06N0003080000"),
            Some(""),
            Some("a symbol text much longer than thirty-one bytes"),
            Some("a symbol text much longer than thirty-one bytes"),
        ]);
        let mut map: TextMap<usize> = TextMap::default();
        let mut made = Vec::new();
        let got = map.values(&a, |t| {
            made.push(t.to_string());
            t.len()
        });
        assert_eq!(got, vec![19, 0, 19, 14, 0, 47, 47]);
        assert_eq!(
            made,
            vec![
                "G06N 3/08 (2006.01)",
                "",
                "G06N0003080000",
                "a symbol text much longer than thirty-one bytes"
            ]
        );
        assert_eq!(map.len(), 4);
        map.clear();
        assert_eq!(map.len(), 0);
    }
}
