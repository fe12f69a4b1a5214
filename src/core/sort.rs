//! The one sort of the core: heapsort over indices with a `dyn` comparison,
//! so it is compiled once. The standard library's sorts are generic and
//! were compiled for each element type the core sorts: about 15 KB of the
//! wasm binary for lists that hold a handful of headers or query pairs.
//! O(n log n) in the worst case, so hostile input (an object with many
//! duplicate keys) costs little; not stable, so callers give a total order.

#[allow(unused_imports)]
use super::prelude::*;

use core::cmp::Ordering;

fn at(v: &[usize], i: usize) -> usize {
    v.get(i).copied().unwrap_or(0)
}

/// `v.swap(a, b)` without its bounds-check panic (the indices are always in
/// range here; this keeps the panic machinery out of the binary).
fn swap(v: &mut [usize], a: usize, b: usize) {
    let (x, y) = (at(v, a), at(v, b));
    if let Some(s) = v.get_mut(a) {
        *s = y;
    }
    if let Some(s) = v.get_mut(b) {
        *s = x;
    }
}

fn sift_down(v: &mut [usize], mut root: usize, end: usize, cmp: &dyn Fn(usize, usize) -> Ordering) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && cmp(at(v, child), at(v, child + 1)) == Ordering::Less {
            child += 1;
        }
        if cmp(at(v, root), at(v, child)) != Ordering::Less {
            return;
        }
        swap(v, root, child);
        root = child;
    }
}

/// The indices `0..n` in the order `cmp` gives them.
pub fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for start in (0..n / 2).rev() {
        sift_down(&mut v, start, n, cmp);
    }
    for end in (1..n).rev() {
        swap(&mut v, 0, end);
        sift_down(&mut v, 0, end, cmp);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        // A small deterministic generator: many lengths, many duplicates.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for n in 0..200 {
            let mut v: Vec<(u8, u16)> = (0..n)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed % 7) as u8, i as u16)
                })
                .collect();
            let mut want = v.clone();
            want.sort();
            let got: Vec<(u8, u16)> = order(v.len(), &|a, b| v[a].cmp(&v[b])).into_iter().map(|i| v[i]).collect();
            assert_eq!(got, want, "n = {n}");
            v.clear();
        }
        let words = ["x-sdk-date", "host", "content-type", "accept", "x-project-id"];
        let sorted: Vec<&str> = order(words.len(), &|a, b| words[a].cmp(words[b])).into_iter().map(|i| words[i]).collect();
        assert_eq!(sorted, ["accept", "content-type", "host", "x-project-id", "x-sdk-date"]);
    }

    #[test]
    fn order_is_a_permutation() {
        let keys = [3, 1, 2, 1, 0];
        let o = order(keys.len(), &|a, b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        assert_eq!(o, [4, 1, 3, 2, 0]);
        assert!(order(0, &|_, _| Ordering::Equal).is_empty());
    }
}
