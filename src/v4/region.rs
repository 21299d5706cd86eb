//! `hosting.datacenter.*` and `hosting.image.*`: regions and the image catalogue.

use super::wire::{WireDatacenter, WireImage};
use super::{Client, id_value};
use crate::error::{Error, Result};
use crate::model::{DiskImage, ImageId, Region, RegionId};
use crate::xmlrpc::{Struct, Value};

impl Client {
    /// Every region (`hosting.datacenter.list`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn list_regions(&self) -> Result<Vec<Region>> {
        let list: Vec<WireDatacenter> = self.call_as(
            "hosting.datacenter.list",
            vec![Value::Struct(Struct::new())],
        )?;
        Ok(list.into_iter().map(Region::from).collect())
    }

    /// The region with code `code` (`FR-SD6`), case-insensitively.
    ///
    /// # Errors
    /// [`Error::NotFound`] listing the known codes; `InvalidInput` for an empty code.
    pub fn find_region(&self, code: &str) -> Result<Region> {
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid("code", "must not be empty"));
        }
        let regions = self.list_regions()?;
        let codes: Vec<String> = regions.iter().map(|r| r.code.clone()).collect();
        regions
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
            .ok_or_else(|| Error::NotFound {
                kind: "region",
                query: code.to_owned(),
                close: close_names(code, &codes),
            })
    }

    /// One catalogue entry (`hosting.image.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn image_info(&self, id: &ImageId) -> Result<DiskImage> {
        let image: WireImage = self.call_as("hosting.image.info", vec![id_value("id", id)?])?;
        Ok(image.into())
    }

    /// The images offered in `region` (`hosting.image.list` filtered by `datacenter_id`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 region ID; a fault, transport or decode error.
    pub fn list_images(&self, region: &RegionId) -> Result<Vec<DiskImage>> {
        let filter = Struct::new().with("datacenter_id", id_value("region", region)?);
        let list: Vec<WireImage> =
            self.call_as("hosting.image.list", vec![Value::Struct(filter)])?;
        Ok(list.into_iter().map(DiskImage::from).collect())
    }

    /// The image named exactly `name` in `region`.
    ///
    /// # Errors
    /// [`Error::NotFound`] with the closest names offered in that region.
    pub fn find_image(&self, name: &str, region: &RegionId) -> Result<DiskImage> {
        if name.trim().is_empty() {
            return Err(Error::invalid("name", "must not be empty"));
        }
        let (mut exact, others): (Vec<DiskImage>, Vec<DiskImage>) = self
            .list_images(region)?
            .into_iter()
            .partition(|i| i.name == name);
        if !exact.is_empty() {
            return Ok(exact.swap_remove(0));
        }
        let names: Vec<String> = others.into_iter().map(|i| i.name).collect();
        Err(Error::NotFound {
            kind: "image",
            query: name.to_owned(),
            close: close_names(name, &names),
        })
    }
}

/// Up to five candidates that look like `query`: containing it (or contained in it) first,
/// then by edit distance.
pub(crate) fn close_names(query: &str, candidates: &[String]) -> Vec<String> {
    let q = query.to_lowercase();
    let mut scored: Vec<(usize, &String)> = candidates
        .iter()
        .filter_map(|c| {
            let l = c.to_lowercase();
            if l.contains(&q) || q.contains(&l) {
                return Some((0, c));
            }
            let first_word = q.split_whitespace().next().unwrap_or("");
            let d = levenshtein(&q, &l);
            let limit = (q.chars().count() / 3).max(2);
            if d <= limit || (!first_word.is_empty() && l.starts_with(first_word)) {
                Some((d.max(1), c))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, c)| c.clone()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_prefer_containment_then_distance() {
        let names: Vec<String> = [
            "Debian 12 64 bits (HVM)",
            "Debian 11 64 bits (HVM)",
            "Ubuntu 22.04 64 bits LTS (HVM)",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let close = close_names("Debian 12", &names);
        assert_eq!(close[0], "Debian 12 64 bits (HVM)");
        assert!(close.contains(&"Debian 11 64 bits (HVM)".to_owned()));
        assert!(close_names("FreeBSD", &names).is_empty());
        assert_eq!(
            close_names("FR-SD5", &["FR-SD6".to_owned(), "LU-BI1".to_owned()]),
            vec!["FR-SD6"]
        );
    }
}
