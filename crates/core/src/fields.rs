//! Medusa's `fields` query parameter and the projection it asks for.
//!
//! Parsing follows Medusa's `FieldParser` exactly:
//! 1. absent -> the route's defaults;
//! 2. split on `,`, drop empty entries;
//! 3. if **any** entry has no modifier (`+`, `-`, a space, which is what a `+` becomes after URL
//!    decoding, `*`) and does not end in `.*`, the entries **replace** the defaults (their
//!    modifiers stripped, so `-x` in a replace list selects `x`, as Medusa does);
//! 4. otherwise they modify the defaults: `+x`/` x` add, `-x` removes `x` and everything under
//!    `x.`, `*x` adds a star field;
//! 5. `id` is always added when `fields` was given;
//! 6. `*rel` and `rel.*` mean "all columns of relation rel".
//!
//! [`Selection`] turns the result into a tree and projects a JSON response onto it, using an
//! [`Shape`] that says which keys of an entity are relations.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The parsed `fields`: plain field paths and star (all-columns) relation paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSpec {
    /// Plain paths in first-seen order (`title`, `variants.sku`).
    pub fields: Vec<String>,
    /// Relations whose columns are all selected (`variants`, `variants.options`).
    pub star: BTreeSet<String>,
}

fn strip_modifier(f: &str) -> String {
    f.trim_start_matches(['+', ' ', '\t', '-'])
        .trim()
        .to_owned()
}

fn has_modifier(f: &str) -> bool {
    f.starts_with('-')
        || f.starts_with('+')
        || f.starts_with(' ')
        || f.starts_with('*')
        || f.ends_with(".*")
}

fn push_unique(list: &mut Vec<String>, f: String) {
    if !f.is_empty() && !list.contains(&f) {
        list.push(f);
    }
}

impl FieldSpec {
    /// Parses `fields` against a route's `defaults`.
    pub fn parse(fields: Option<&str>, defaults: &[&str]) -> FieldSpec {
        let mut all: Vec<String> = Vec::new();
        for d in defaults {
            push_unique(&mut all, (*d).to_owned());
        }
        if let Some(fields) = fields {
            let custom: Vec<&str> = fields.split(',').filter(|f| !f.is_empty()).collect();
            let replace = custom.is_empty() || custom.iter().any(|f| !has_modifier(f));
            if replace {
                all.clear();
                for f in &custom {
                    push_unique(&mut all, strip_modifier(f));
                }
            } else {
                for f in &custom {
                    if f.starts_with('+') || f.starts_with(' ') {
                        push_unique(&mut all, strip_modifier(f));
                    } else if f.starts_with('-') {
                        let name = strip_modifier(f);
                        let prefix = format!("{name}.");
                        all.retain(|existing| {
                            let e = existing.strip_prefix('*').unwrap_or(existing);
                            e != name && !e.starts_with(&prefix)
                        });
                    } else {
                        push_unique(&mut all, (*f).to_owned());
                    }
                }
            }
            push_unique(&mut all, "id".to_owned());
        }
        let mut spec = FieldSpec::default();
        for f in all {
            if let Some(rel) = f.strip_prefix('*') {
                // Medusa strips only the first star marker (`*a.*` -> `a.*`).
                spec.star.insert(rel.to_owned());
            } else if let Some(rel) = f.strip_suffix(".*") {
                spec.star.insert(rel.to_owned());
            } else {
                spec.fields.push(f);
            }
        }
        spec
    }

    /// Whether `path` (a field or relation) is asked for, directly, by star, or through a
    /// deeper path (`variants.calculated_price` implies `variants`).
    pub fn requests(&self, path: &str) -> bool {
        let prefix = format!("{path}.");
        self.star.contains(path)
            || self
                .fields
                .iter()
                .any(|f| f == path || f.starts_with(&prefix))
            || self.star.iter().any(|s| s.starts_with(&prefix))
    }

    /// The selection tree.
    pub fn selection(&self) -> Selection {
        let mut root = Selection::default();
        for f in &self.fields {
            let parts: Vec<&str> = f.split('.').collect();
            let (leaf, rels) = parts.split_last().unwrap_or((&"", &[]));
            let node = rels.iter().fold(&mut root, |n, r| n.child(r));
            node.fields.insert((*leaf).to_owned());
        }
        for s in &self.star {
            let node = s.split('.').fold(&mut root, |n, r| n.child(r));
            node.all = true;
        }
        root
    }
}

/// Which keys of an entity's JSON are relations (and their own shapes). Every other key is a
/// column. Objects that are columns (`metadata`, `calculated_price`'s inner prices) are kept
/// or dropped whole.
#[derive(Debug)]
pub struct Shape {
    pub relations: &'static [(&'static str, &'static Shape)],
}

impl Shape {
    pub const LEAF: Shape = Shape { relations: &[] };

    fn relation(&self, key: &str) -> Option<&'static Shape> {
        self.relations
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, s)| *s)
    }
}

/// A node of the selection tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// All columns of this entity (`*rel`, `rel.*`).
    pub all: bool,
    /// Columns asked for by name.
    pub fields: BTreeSet<String>,
    /// Relations asked for.
    pub relations: BTreeMap<String, Selection>,
}

impl Selection {
    fn child(&mut self, name: &str) -> &mut Selection {
        self.relations.entry(name.to_owned()).or_default()
    }

    /// Whether the column or relation `key` is selected here.
    pub fn has(&self, key: &str) -> bool {
        self.all || self.fields.contains(key) || self.relations.contains_key(key)
    }

    pub fn relation(&self, key: &str) -> Option<&Selection> {
        self.relations.get(key)
    }

    /// What [`Selection::project`] would leave of `value`, copied out of it: for a large shared
    /// value of which little is selected (a cached product under a cart's items), cheaper than
    /// cloning it whole and projecting the clone.
    pub fn pick(&self, value: &Value, shape: &Shape) -> Value {
        match value {
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.pick(v, shape)).collect())
            }
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (key, v) in map {
                    if key == "id" {
                        out.insert(key.clone(), v.clone());
                        continue;
                    }
                    if let Some(rel_shape) = shape.relation(key) {
                        match self.relations.get(key.as_str()) {
                            Some(sel) => {
                                out.insert(key.clone(), sel.pick(v, rel_shape));
                            }
                            None if self.fields.contains(key.as_str()) => {
                                out.insert(key.clone(), v.clone());
                            }
                            None => {}
                        }
                        continue;
                    }
                    if self.keeps_column(key) {
                        out.insert(key.clone(), v.clone());
                    }
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn keeps_column(&self, key: &str) -> bool {
        let base = key.strip_prefix("raw_").unwrap_or(key);
        self.all
            || self.fields.contains(key)
            || self.fields.contains(base)
            || self.relations.contains_key(key)
    }

    /// Keeps what is selected in `value` (an object or an array of objects), recursively.
    /// `id` is always kept; `raw_<x>` follows `<x>`. A relation named like a column
    /// (`+metadata` on a relation-less object) is kept whole.
    pub fn project(&self, value: &mut Value, shape: &Shape) {
        match value {
            Value::Array(items) => items.iter_mut().for_each(|v| self.project(v, shape)),
            Value::Object(map) => {
                map.retain(|key, v| {
                    if key == "id" {
                        return true;
                    }
                    if let Some(rel_shape) = shape.relation(key) {
                        return match self.relations.get(key.as_str()) {
                            Some(sel) => {
                                sel.project(v, rel_shape);
                                true
                            }
                            // Medusa's star on the parent does not pull relations in.
                            None => self.fields.contains(key.as_str()),
                        };
                    }
                    self.keeps_column(key)
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEFAULTS: &[&str] = &[
        "id",
        "title",
        "handle",
        "*variants",
        "*variants.options",
        "*tags",
    ];

    fn parse(f: &str) -> FieldSpec {
        FieldSpec::parse(Some(f), DEFAULTS)
    }

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn absent_means_defaults() {
        let s = FieldSpec::parse(None, DEFAULTS);
        assert_eq!(s.fields, vec!["id", "title", "handle"]);
        assert_eq!(s.star, set(&["variants", "variants.options", "tags"]));
    }

    #[test]
    fn bare_names_replace_and_id_is_added() {
        let s = parse("handle");
        assert_eq!(s.fields, vec!["handle", "id"]);
        assert!(s.star.is_empty());
        let s = parse("id,region_id");
        assert_eq!(s.fields, vec!["id", "region_id"]);
    }

    #[test]
    fn spaces_after_commas_in_replace_mode() {
        // The starter's "id, handle, title": `id` has no modifier, so the list replaces.
        let s = parse("id, handle, title");
        assert_eq!(s.fields, vec!["id", "handle", "title"]);
    }

    #[test]
    fn plus_and_space_add_to_defaults() {
        let s = parse("+metadata, subtitle");
        assert_eq!(
            s.fields,
            vec!["id", "title", "handle", "metadata", "subtitle"]
        );
        assert_eq!(s.star, set(&["variants", "variants.options", "tags"]));
    }

    #[test]
    fn minus_removes_field_and_everything_below() {
        let s = parse("-variants,-title");
        assert_eq!(s.fields, vec!["id", "handle"]);
        assert_eq!(s.star, set(&["tags"]));
        // The spaced-out minus still removes (Medusa's test).
        let s = FieldSpec::parse(Some("- orders"), &["title", "orders"]);
        assert_eq!(s.fields, vec!["title", "id"]);
    }

    #[test]
    fn star_prefix_and_dot_star_suffix() {
        let s = parse("*collection,categories.*");
        assert!(s.star.contains("collection"));
        assert!(s.star.contains("categories"));
        assert_eq!(s.fields, vec!["id", "title", "handle"]);
    }

    #[test]
    fn the_starters_product_fields() {
        let s = parse(
            "*variants.calculated_price,+variants.inventory_quantity,*variants.images,*variants.options,+metadata,+tags,",
        );
        assert!(s.star.contains("variants.calculated_price"));
        assert!(s.star.contains("variants.images"));
        assert!(s.fields.contains(&"variants.inventory_quantity".to_owned()));
        assert!(s.fields.contains(&"metadata".to_owned()));
        assert!(s.requests("variants"));
        assert!(s.requests("variants.calculated_price"));
        assert!(!s.requests("collection"));
    }

    #[test]
    fn modifiers_with_leading_spaces_and_trailing_commas() {
        let s = FieldSpec::parse(Some(", *products"), &["id", "name"]);
        // `", *products"` splits into "" (dropped) and " *products": a space modifier adds
        // `*products`, a star relation.
        assert_eq!(s.fields, vec!["id", "name"]);
        assert_eq!(s.star, set(&["products"]));
        let s = FieldSpec::parse(Some("*category_children, *products"), &["id", "name"]);
        assert_eq!(s.star, set(&["category_children", "products"]));
        assert_eq!(s.fields, vec!["id", "name"]);
    }

    #[test]
    fn minus_in_a_replace_list_selects_like_medusa() {
        // The dashboard's product list: `id` makes it a replace list, and Medusa strips the `-`.
        let s = parse("id,title,*collection,variants.id,-type");
        assert_eq!(s.fields, vec!["id", "title", "variants.id", "type"]);
        assert_eq!(s.star, set(&["collection"]));
    }

    #[test]
    fn empty_fields_replace_with_id_only() {
        let s = parse(",");
        assert_eq!(s.fields, vec!["id"]);
        assert!(s.star.is_empty());
    }

    static OPTION: Shape = Shape::LEAF;
    static VARIANT: Shape = Shape {
        relations: &[("options", &OPTION), ("calculated_price", &Shape::LEAF)],
    };
    static PRODUCT: Shape = Shape {
        relations: &[("variants", &VARIANT), ("tags", &Shape::LEAF)],
    };

    fn product() -> Value {
        json!({
            "id": "prod_1", "title": "Shirt", "handle": "shirt", "metadata": {"a": 1},
            "tags": [{"id": "t1", "value": "x"}],
            "variants": [{
                "id": "v1", "sku": "S", "title": "S",
                "options": [{"id": "o1", "value": "S"}],
                "calculated_price": {"calculated_amount": 10, "raw_calculated_amount": {"value": "10"}},
                "price": 10, "raw_price": {"value": "10", "precision": 20}
            }]
        })
    }

    #[test]
    fn projection_keeps_only_what_was_asked() {
        let mut p = product();
        parse("handle").selection().project(&mut p, &PRODUCT);
        assert_eq!(p, json!({"id": "prod_1", "handle": "shirt"}));

        let mut p = product();
        parse("title,variants.sku")
            .selection()
            .project(&mut p, &PRODUCT);
        assert_eq!(
            p,
            json!({"id": "prod_1", "title": "Shirt", "variants": [{"id": "v1", "sku": "S"}]})
        );
    }

    #[test]
    fn projection_of_star_relations_and_raw_siblings() {
        let mut p = product();
        FieldSpec::parse(Some("*variants"), &[])
            .selection()
            .project(&mut p, &PRODUCT);
        let v = &p["variants"][0];
        assert_eq!(v["sku"], "S");
        assert_eq!(v["raw_price"]["value"], "10");
        // A star on variants does not pull in its relations.
        assert!(v.get("options").is_none());
        assert!(v.get("calculated_price").is_none());
        assert!(p.get("tags").is_none());

        let mut p = product();
        FieldSpec::parse(Some("variants.price,*variants.calculated_price"), &[])
            .selection()
            .project(&mut p, &PRODUCT);
        let v = &p["variants"][0];
        assert_eq!(v["price"], 10);
        assert_eq!(v["raw_price"]["precision"], 20);
        assert_eq!(
            v["calculated_price"]["raw_calculated_amount"]["value"],
            "10"
        );
        assert!(v.get("sku").is_none());
    }

    #[test]
    fn pick_copies_out_what_project_keeps() {
        for fields in [
            "handle",
            "title,variants.sku",
            "*variants",
            "variants.price,*variants.calculated_price",
            "+metadata",
            "*tags,variants.options.value",
            "id",
        ] {
            let selection = FieldSpec::parse(Some(fields), DEFAULTS).selection();
            let mut projected = product();
            selection.project(&mut projected, &PRODUCT);
            assert_eq!(selection.pick(&product(), &PRODUCT), projected, "{fields}");
            let list = json!([product(), product()]);
            let mut projected_list = list.clone();
            selection.project(&mut projected_list, &PRODUCT);
            assert_eq!(selection.pick(&list, &PRODUCT), projected_list, "{fields}");
        }
    }
}
