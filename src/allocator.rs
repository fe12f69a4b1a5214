//! The wasm module's allocator (wasm32 only), in place of the standard
//! library's dlmalloc, which was 8 KB of the binary.
//!
//! Blocks come in power-of-two size classes from 16 bytes up; each class
//! keeps a list of freed blocks, and a freed block is reused by the next
//! request of its class. New blocks are carved from pages the module grows
//! its memory by. Blocks never merge or split, so a block is at most twice
//! the size asked for, and a workload that repeats (a call, then the next)
//! reuses the same blocks: memory stays flat (`make bench` checks it over
//! 10,000 calls). Memory is never given back to the host, as with dlmalloc.
//!
//! The module is single-threaded (no wasm threads), so the state needs no
//! lock; `UnsafeCell` holds it.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65536;
/// Smallest block: 16 bytes (room for the free-list link, and 16-aligned).
const MIN_SHIFT: u32 = 4;
const CLASSES: usize = 32;

struct State {
    /// Per class, the first free block (0: none). A free block's first word
    /// holds the next one.
    free: [usize; CLASSES],
    /// Unused memory: `next..end`.
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
unsafe impl Sync for Allocator {}

impl Allocator {
    pub const fn new() -> Self {
        Allocator(UnsafeCell::new(State { free: [0; CLASSES], next: 0, end: 0 }))
    }
}

/// The class of a request: log2 of its block size, or `None` if too large.
fn class(layout: &Layout) -> Option<usize> {
    let need = layout.size().max(layout.align()).max(1 << MIN_SHIFT);
    let shift = (usize::BITS - (need - 1).leading_zeros()) as usize;
    (shift < CLASSES).then_some(shift)
}

/// Block size and alignment of a class: a block is aligned to its size, up
/// to a page, so every request it can serve is aligned.
fn geometry(shift: usize) -> (usize, usize) {
    let size = 1usize << shift;
    (size, size.min(PAGE))
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(k) = class(&layout) else { return null_mut() };
        let (size, align) = geometry(k);
        if align < layout.align() {
            return null_mut();
        }
        let s = &mut *self.0.get();
        let Some(head) = s.free.get_mut(k) else { return null_mut() };
        if *head != 0 {
            let block = *head;
            *head = *(block as *const usize);
            return block as *mut u8;
        }
        let mut start = (s.next + align - 1) & !(align - 1);
        if start.checked_add(size).map_or(true, |e| e > s.end) {
            let pages = (size + align).div_ceil(PAGE);
            let prev = core::arch::wasm32::memory_grow(0, pages);
            if prev == usize::MAX {
                return null_mut();
            }
            let base = prev * PAGE;
            if base != s.end {
                // Not contiguous with our last pages: start afresh there.
                s.next = base;
            }
            s.end = base + pages * PAGE;
            start = (s.next + align - 1) & !(align - 1);
        }
        s.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(k) = class(&layout) else { return };
        let s = &mut *self.0.get();
        if let Some(head) = s.free.get_mut(k) {
            *(ptr as *mut usize) = *head;
            *head = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else { return null_mut() };
        if class(&new_layout) == class(&layout) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
