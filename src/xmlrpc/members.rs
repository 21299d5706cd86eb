//! Building a [`Struct`] from members that may repeat a name, in linear time.
//!
//! The rule is Python's: a repeated name keeps its first position and takes the later value.
//! [`Struct::insert`] applies it with a linear search, which is quadratic for a large map; the
//! serde bridge and `FromIterator for Struct` use this builder instead (the decoder has its own,
//! on its shared stacks, with the same threshold).

use std::collections::HashMap;

use super::{Struct, Value};

/// Up to this many members a linear search for a repeated name is cheaper than hashing; past
/// it, a name index keeps duplicate checks linear on hostile input. Shared with the decoder.
pub(super) const INDEX_THRESHOLD: usize = 64;

/// Collects members, applying the repeated-name rule.
pub(super) struct MemberSet {
    members: Vec<(String, Value)>,
    /// Name → position, once there are more than [`INDEX_THRESHOLD`] members.
    index: Option<HashMap<String, usize>>,
}

impl MemberSet {
    /// An empty set with room for `capacity` members (capped: the hint may come from input).
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            members: Vec::with_capacity(capacity.min(4096)),
            index: None,
        }
    }

    /// Adds a member, or replaces the value of an earlier one of the same name.
    pub(super) fn insert(&mut self, name: String, value: Value) {
        let found = match &self.index {
            Some(index) => index.get(&name).copied(),
            None => self.members.iter().position(|(n, _)| *n == name),
        };
        if let Some(member) = found.and_then(|at| self.members.get_mut(at)) {
            member.1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(name.clone(), self.members.len());
        }
        self.members.push((name, value));
        if self.index.is_none() && self.members.len() > INDEX_THRESHOLD {
            let index = self
                .members
                .iter()
                .enumerate()
                .map(|(at, (n, _))| (n.clone(), at))
                .collect();
            self.index = Some(index);
        }
    }

    /// The finished struct.
    pub(super) fn finish(self) -> Struct {
        Struct::from_unique_members(self.members)
    }
}
