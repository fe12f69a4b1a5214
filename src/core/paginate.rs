//! Where pages are followed: the state of `paginateSnapshots` between
//! requests (docs/contract.md "paginateSnapshots").
//!
//! - `offset` applies to the first request only;
//! - the marker comes from the page (see `response::read_list`), never by
//!   following the `next` link's `href`;
//! - an empty page, or a page without a next marker, ends the walk;
//! - a marker seen before (the caller's starting one included) is an
//!   `invalid_response` instead of a loop.

use super::arg4_config::ListQuery;
use super::error::EvsError;

#[derive(Debug, Clone)]
/// A `paginateSnapshots` walk between requests: the next request's options,
/// the markers met so far, and whether the walk is over.
pub struct Paginator {
    query: ListQuery,
    /// Markers met so far: one per page, so a short list.
    seen: Vec<String>,
    done: bool,
}

impl Paginator {
    /// A walk from `query` (its marker, if any, counts as met).
    pub fn new(query: ListQuery) -> Self {
        let seen = query.marker.iter().cloned().collect();
        Paginator { query, seen, done: false }
    }

    /// The options of the next request, or `None` when the walk is over.
    pub fn next_query(&self) -> Option<&ListQuery> {
        if self.done {
            None
        } else {
            Some(&self.query)
        }
    }

    /// Whether the walk is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Records a page that held `count` snapshots and pointed at
    /// `next_marker`. Errors (and ends the walk) on a repeated marker.
    ///
    /// # Errors
    /// `invalid_response` when the service hands back a marker it gave
    /// already (or the caller's starting one).
    pub fn advance(&mut self, count: usize, next_marker: Option<&str>) -> Result<(), EvsError> {
        match next_marker {
            _ if count == 0 => self.done = true,
            None => self.done = true,
            Some(m) => {
                if self.seen.iter().any(|s| s == m) {
                    self.done = true;
                    return Err(EvsError::invalid_response(format!(
                        "the service returned the page marker \"{m}\" a second time; paging stopped instead of looping"
                    )));
                }
                self.seen.push(m.to_string());
                self.query.marker = Some(m.to_string());
                self.query.offset = None;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::ErrorKind;
    use super::*;

    #[test]
    fn offset_only_first() {
        let mut p = Paginator::new(ListQuery { offset: Some(5), limit: Some(2), ..Default::default() });
        assert_eq!(p.next_query().unwrap().offset, Some(5));
        p.advance(2, Some("b")).unwrap();
        let q = p.next_query().unwrap();
        assert_eq!((q.offset, q.marker.as_deref(), q.limit), (None, Some("b"), Some(2)));
        p.advance(2, Some("d")).unwrap();
        assert_eq!(p.next_query().unwrap().marker.as_deref(), Some("d"));
        p.advance(1, None).unwrap();
        assert!(p.next_query().is_none());
    }

    #[test]
    fn empty_page_stops() {
        let mut p = Paginator::new(ListQuery::default());
        p.advance(0, Some("x")).unwrap();
        assert!(p.is_done());
    }

    #[test]
    fn repeated_marker_is_an_error() {
        let mut p = Paginator::new(ListQuery::default());
        p.advance(2, Some("a")).unwrap();
        p.advance(2, Some("b")).unwrap();
        let e = p.advance(2, Some("a")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse);
        assert!(p.next_query().is_none());
        // The caller's own starting marker counts.
        let mut p = Paginator::new(ListQuery { marker: Some("start".into()), ..Default::default() });
        assert!(p.advance(1, Some("start")).is_err());
    }
}
