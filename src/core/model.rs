//! What JavaScript receives (docs/contract.md "Results"): a [`Snapshot`], a
//! [`SnapshotPage`] and a snapshot's [`Metadata`], serialised as plain JSON
//! objects.

use serde::Serialize;

/// One EVS snapshot, as docs/contract.md "Results" gives it to JavaScript: a
/// plain object whose `JSON.stringify` round-trips.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The snapshot ID.
    pub id: String,
    /// Its name; `""` when the service sent none.
    pub name: String,
    /// Its description, or `None`.
    pub description: Option<String>,
    /// A `SnapshotStatus`, or whatever new status the service sends.
    pub status: String,
    /// GB, a whole number below 2^53.
    pub size: u64,
    /// The ID of the volume it was taken from.
    pub volume_id: String,
    /// UTC in the `Date.prototype.toISOString()` form, or the service's text
    /// when it is no timestamp this reader understands.
    pub created_at: Option<String>,
    /// Same; from `updated_at` or `update_at`.
    pub updated_at: Option<String>,
    /// Its metadata, in the service's order.
    pub metadata: Metadata,
    /// From `os-extended-snapshot-attributes:project_id`, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// 0..=100, from `os-extended-snapshot-attributes:progress` (`"100%"`),
    /// when sent and readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
}

/// One page of `listSnapshots`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotPage {
    /// The page's snapshots, in the service's order.
    pub snapshots: Vec<Snapshot>,
    /// The marker of the next page, from `snapshots_links`; `None` on the
    /// last page.
    pub next_marker: Option<String>,
}

/// A snapshot's `metadata`: its members in the order the service sent them,
/// each value as JavaScript's `String()` gives it. A key given twice keeps
/// its first place and its last value, as `JSON.parse` does; `"__proto__"`
/// is a key like any other. Written out as a JSON object in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata(pub Vec<(String, String)>);

impl Metadata {
    /// The value of `key`, if the service sent one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Sets `key` as `JSON.parse` does for a member: in its first place.
    pub(crate) fn set(&mut self, key: String, value: String, index: &mut std::collections::BTreeMap<String, usize>) {
        // Small objects (the usual zero to five keys) are searched; large
        // ones go through an index, so that a hostile body stays linear.
        const SEARCHED: usize = 16;
        let found = if self.0.len() < SEARCHED {
            self.0.iter().position(|(k, _)| *k == key)
        } else {
            if index.is_empty() {
                index.extend(self.0.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)));
            }
            index.get(&key).copied()
        };
        match found.and_then(|i| self.0.get_mut(i)) {
            Some((_, v)) => *v = value,
            None => {
                if !index.is_empty() {
                    index.insert(key.clone(), self.0.len());
                }
                self.0.push((key, value));
            }
        }
    }
}

impl Serialize for Metadata {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}
