//! Which code of a reference solution the student writes.
//!
//! Mutants must model the mistakes a *student* makes, so they are planted only
//! in code the student writes, never in support code the course hands out
//! (14-crawler's HTTP helpers, 08's `unsafe` accessors, 11's Python glue). The
//! committed stub says which is which: a function whose stub body holds a
//! `todo!()` is the student's to write, and so is every item of the solution
//! that the stub does not have at all (a helper the student added). Every
//! other function keeps the stub's body and is left alone.

use std::collections::BTreeSet;

use syn::visit::Visit;

/// The keys of one stub file: the functions still to write and every item
/// the course hands out.
#[derive(Debug, Default, Clone)]
pub struct StubItems {
    /// Functions whose body holds `todo!()`: `Type::method` or `function`,
    /// prefixed with the inline module path.
    pub todo: BTreeSet<String>,
    /// Every function the stub defines, written or not.
    pub all: BTreeSet<String>,
}

impl StubItems {
    /// Reads a stub file; a file that does not parse has no items (then the
    /// whole solution file counts as the student's, like a new file).
    pub fn of(source: &str) -> StubItems {
        let Ok(file) = syn::parse_file(source) else {
            return StubItems::default();
        };
        let mut walker = FnWalker::default();
        walker.visit_file(&file);
        let mut items = StubItems::default();
        for (key, has_todo) in walker.found {
            if has_todo {
                items.todo.insert(key.clone());
            }
            items.all.insert(key);
        }
        items
    }

    /// Whether the solution's function `key` is written by the student.
    pub fn is_students(&self, key: &str) -> bool {
        self.todo.contains(key) || !self.all.contains(key)
    }
}

/// The key of a function: its inline module path, the type of its `impl`
/// (generics dropped, trait named), and its name.
pub fn fn_key(modules: &[String], impl_type: Option<&str>, name: &str) -> String {
    let mut parts: Vec<&str> = modules.iter().map(String::as_str).collect();
    if let Some(ty) = impl_type {
        parts.push(ty);
    }
    parts.push(name);
    parts.join("::")
}

/// The name an `impl` block is keyed by: `Queue` for `impl<T> Queue<T>`,
/// `Queue as Drop` for `impl<T> Drop for Queue<T>`.
pub fn impl_name(item: &syn::ItemImpl) -> String {
    let ty = match &*item.self_ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        // `impl Trait for &T` and the like: no course stub has one.
        _ => "_".to_string(),
    };
    match &item.trait_ {
        Some((_, path, _)) => {
            let name = path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            format!("<{ty} as {name}>")
        }
        None => ty,
    }
}

/// Where a syntax walk stands: the inline modules and the `impl` around it,
/// which name a function ([`fn_key`]). Both walks (the stub's and the
/// solution's) keep one and step in and out through [`walk_mod`] and
/// [`walk_impl`], so their keys always agree.
#[derive(Debug, Default)]
pub struct Scope {
    modules: Vec<String>,
    impl_type: Option<String>,
}

impl Scope {
    /// The key of the function `name` declared here.
    pub fn key(&self, name: &syn::Ident) -> String {
        fn_key(&self.modules, self.impl_type.as_deref(), &name.to_string())
    }
}

/// A syntax walk that keeps a [`Scope`].
pub trait Scoped {
    fn scope(&mut self) -> &mut Scope;
}

/// Walks an inline module with its name in the scope.
pub fn walk_mod<'ast, V: Visit<'ast> + Scoped>(walker: &mut V, item: &'ast syn::ItemMod) {
    walker.scope().modules.push(item.ident.to_string());
    syn::visit::visit_item_mod(walker, item);
    walker.scope().modules.pop();
}

/// Walks an `impl` block with its type in the scope.
pub fn walk_impl<'ast, V: Visit<'ast> + Scoped>(walker: &mut V, item: &'ast syn::ItemImpl) {
    let outer = walker.scope().impl_type.replace(impl_name(item));
    syn::visit::visit_item_impl(walker, item);
    walker.scope().impl_type = outer;
}

/// Collects every function with whether its body mentions `todo!`.
#[derive(Default)]
struct FnWalker {
    scope: Scope,
    found: Vec<(String, bool)>,
}

impl Scoped for FnWalker {
    fn scope(&mut self) -> &mut Scope {
        &mut self.scope
    }
}

impl<'ast> Visit<'ast> for FnWalker {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        walk_mod(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        walk_impl(self, item);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        let key = self.scope.key(&item.sig.ident);
        self.found.push((key, mentions_todo(&item.block)));
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        let key = self.scope.key(&item.sig.ident);
        self.found.push((key, mentions_todo(&item.block)));
    }
}

fn mentions_todo(block: &syn::Block) -> bool {
    struct Todo(bool);
    impl<'ast> Visit<'ast> for Todo {
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if mac.path.is_ident("todo") || mac.path.is_ident("unimplemented") {
                self.0 = true;
            }
        }
    }
    let mut todo = Todo(false);
    todo.visit_block(block);
    todo.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = r#"
        pub struct Queue<T> { items: Vec<T> }
        impl<T> Queue<T> {
            pub fn new() -> Self { todo!() }
            pub fn len(&self) -> usize { self.items.len() }
        }
        impl<T> Drop for Queue<T> { fn drop(&mut self) { todo!() } }
        pub fn given() -> u32 { 7 }
        mod inner { pub fn task() { let _x = 1; todo!() } }
    "#;

    #[test]
    fn todo_bodies_and_new_items_are_the_students_and_given_code_is_not() {
        let items = StubItems::of(STUB);
        assert!(items.is_students("Queue::new"));
        assert!(items.is_students("<Queue as Drop>::drop"));
        assert!(items.is_students("inner::task"));
        assert!(items.is_students("helper_the_student_added"));
        assert!(!items.is_students("Queue::len"));
        assert!(!items.is_students("given"));
    }
}
