//! The mutation operators: each plants one concurrency mistake of a kind
//! students make (and the literature on concurrency mutation testing lists)
//! into the student-written code of a reference solution.
//!
//! | operator | mistake |
//! | --- | --- |
//! | `ordering` | an atomic access or fence one step weaker (`SeqCst`→`AcqRel`/`Acquire`/`Release`, `AcqRel`→`Acquire`/`Release`, `Acquire`/`Release`→`Relaxed`) |
//! | `rmw-split` | an atomic read-modify-write (`fetch_*`, `swap`, `compare_exchange`) split into a load and a store |
//! | `notify-drop` | a `notify_one`/`notify_all`/`unpark` left out |
//! | `notify-one` | `notify_all` where every waiter must wake, written `notify_one` |
//! | `while-to-if` | a condition checked with `if` instead of `while` around a wait |
//! | `read-to-write` | a read lock taken as a write lock |
//! | `lock-order` | two locks taken one after the other, in the other order |
//! | `lock-split` | `*m.lock() += n` as a read under one lock and a write under another |
//! | `cas-weak` | a lone `compare_exchange` (no retry loop) written `compare_exchange_weak` |
//! | `join-drop` | a thread left running (its `join` left out) |
//! | `wait-drop` | a barrier `wait()` left out |
//!
//! Operators work on the syntax tree (syn), so they never touch a comment or
//! a string, and write their edit as text over the original source, so a
//! mutant's diff is one line a reviewer can read. A mutant that does not
//! compile (a `read` that was not a lock's) is *unviable* and simply not
//! counted, as in cargo-mutants.

use proc_macro2::LineColumn;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::regions::{Scope, Scoped, StubItems, walk_impl, walk_mod};

/// One planted mistake, as a replacement of a byte range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Operator name (the table in this module's documentation).
    pub operator: &'static str,
    /// The student function it is planted in (`Queue::push`).
    pub function: String,
    /// Distinguishes the alternatives of one site (`Relaxed`), or empty.
    pub variant: String,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// Every edit the operators find in the student-written code of `solution`.
pub fn find_edits(solution: &str, stub: &StubItems) -> syn::Result<Vec<Edit>> {
    let file = syn::parse_file(solution)?;
    let mut finder = Finder {
        source: Source::new(solution),
        stub,
        scope: Scope::default(),
        function: None,
        loops: 0,
        edits: Vec::new(),
    };
    finder.visit_file(&file);
    Ok(finder.edits)
}

/// Byte offsets of proc-macro2 line/column positions in one source file.
struct Source<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, line_starts }
    }

    /// Lines count from 1, columns in characters from 0.
    fn offset(&self, at: LineColumn) -> usize {
        let start = self.line_starts[at.line - 1];
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }

    fn range(&self, span: proc_macro2::Span) -> (usize, usize) {
        (self.offset(span.start()), self.offset(span.end()))
    }

    fn text_of(&self, node: &impl Spanned) -> &'a str {
        let (start, end) = self.range(node.span());
        &self.text[start..end]
    }
}

const ORDERINGS: [&str; 5] = ["Relaxed", "Release", "Acquire", "AcqRel", "SeqCst"];

/// What an ordering argument orders: a load may not be `Release`, a store
/// may not be `Acquire`, so each weakening stays a valid program.
#[derive(Clone, Copy)]
enum Role {
    Load,
    Store,
    ReadModifyWrite,
}

fn weaker(role: Role, ordering: &str) -> &'static [&'static str] {
    match (role, ordering) {
        (Role::Load, "SeqCst") => &["Acquire"],
        (Role::Store, "SeqCst") => &["Release"],
        (Role::ReadModifyWrite, "SeqCst") => &["AcqRel"],
        (Role::ReadModifyWrite, "AcqRel") => &["Acquire", "Release"],
        (_, "Acquire" | "Release") => &["Relaxed"],
        _ => &[],
    }
}

/// The orderings of an atomic method's arguments, by position.
fn ordering_roles(method: &str, args: usize) -> Vec<(usize, Role)> {
    match (method, args) {
        ("load", 1) => vec![(0, Role::Load)],
        ("store", 2) => vec![(1, Role::Store)],
        ("swap", 2) => vec![(1, Role::ReadModifyWrite)],
        ("compare_exchange" | "compare_exchange_weak", 4) => {
            vec![(2, Role::ReadModifyWrite), (3, Role::Load)]
        }
        ("fetch_update", 3) => vec![(0, Role::ReadModifyWrite), (1, Role::Load)],
        (m, 2) if m.starts_with("fetch_") => vec![(1, Role::ReadModifyWrite)],
        _ => Vec::new(),
    }
}

/// The ordering an expression names (`Ordering::Acquire`, `Acquire`), with
/// the span of its last segment.
fn ordering_of(expr: &syn::Expr) -> Option<(String, proc_macro2::Span)> {
    let syn::Expr::Path(path) = expr else {
        return None;
    };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    ORDERINGS
        .contains(&name.as_str())
        .then(|| (name, last.ident.span()))
}

/// The ordering a split load or store may use in place of `ordering`.
fn restrict(role: Role, ordering: &str) -> &'static str {
    match (role, ordering) {
        (_, "SeqCst") => "SeqCst",
        (Role::Load, "Acquire" | "AcqRel") => "Acquire",
        (Role::Store, "Release" | "AcqRel") => "Release",
        _ => "Relaxed",
    }
}

struct Finder<'a, 's> {
    source: Source<'a>,
    stub: &'s StubItems,
    scope: Scope,
    /// The student function being walked; `None` outside one.
    function: Option<String>,
    /// Loops around the code being walked, within the function.
    loops: usize,
    edits: Vec<Edit>,
}

impl Finder<'_, '_> {
    fn push(&mut self, operator: &'static str, variant: &str, range: (usize, usize), new: String) {
        let Some(function) = self.function.clone() else {
            return;
        };
        self.edits.push(Edit {
            operator,
            function,
            variant: variant.to_string(),
            start: range.0,
            end: range.1,
            replacement: new,
        });
    }

    fn walk_function(&mut self, name: &syn::Ident, block: &syn::Block) {
        let key = self.scope.key(name);
        if !self.stub.is_students(&key) {
            return;
        }
        let outer = self.function.replace(key);
        let outer_loops = std::mem::take(&mut self.loops);
        self.visit_block(block);
        self.function = outer;
        self.loops = outer_loops;
    }

    /// The ordering operator for one method call's ordering arguments.
    fn weaken_orderings(&mut self, call: &syn::ExprMethodCall) {
        let method = call.method.to_string();
        for (index, role) in ordering_roles(&method, call.args.len()) {
            let Some((ordering, span)) = call.args.iter().nth(index).and_then(ordering_of) else {
                continue;
            };
            for to in weaker(role, &ordering) {
                let range = self.source.range(span);
                self.push(
                    "ordering",
                    &format!("{method}:{ordering}->{to}"),
                    range,
                    to.to_string(),
                );
            }
        }
    }

    /// `x.fetch_add(v, o)` → `{ let old = x.load(o'); x.store(old + v, o'); old }`.
    fn split_read_modify_write(&mut self, call: &syn::ExprMethodCall) {
        let method = call.method.to_string();
        let args: Vec<&syn::Expr> = call.args.iter().collect();
        let receiver = self.source.text_of(&*call.receiver).to_string();
        let text = |e: &syn::Expr| self.source.text_of(e).to_string();
        let named = |e: &syn::Expr, role: Role| -> Option<String> {
            let (ordering, _) = ordering_of(e)?;
            let full = text(e);
            let prefix = &full[..full.len() - ordering.len()];
            Some(format!("{prefix}{}", restrict(role, &ordering)))
        };
        let new_value = |op: &str, v: &str| -> Option<String> {
            Some(match op {
                "fetch_add" => format!("__old.wrapping_add({v})"),
                "fetch_sub" => format!("__old.wrapping_sub({v})"),
                "fetch_or" => format!("__old | ({v})"),
                "fetch_and" => format!("__old & ({v})"),
                "fetch_xor" => format!("__old ^ ({v})"),
                "fetch_max" => format!("__old.max({v})"),
                "fetch_min" => format!("__old.min({v})"),
                "swap" => v.to_string(),
                _ => return None,
            })
        };
        let replacement = match (method.as_str(), args.as_slice()) {
            (op, [value, ordering]) => {
                let (Some(load), Some(store)) =
                    (named(ordering, Role::Load), named(ordering, Role::Store))
                else {
                    return;
                };
                let Some(new) = new_value(op, &text(value)) else {
                    return;
                };
                format!(
                    "({{ let __old = {receiver}.load({load}); {receiver}.store({new}, {store}); \
                     __old }})"
                )
            }
            ("compare_exchange" | "compare_exchange_weak", [current, new, success, failure]) => {
                let (Some(load), Some(store)) =
                    (named(failure, Role::Load), named(success, Role::Store))
                else {
                    return;
                };
                format!(
                    "({{ let __old = {receiver}.load({load}); if __old == {current} {{ \
                     {receiver}.store({new}, {store}); Ok(__old) }} else {{ Err(__old) }} }})",
                    current = text(current),
                    new = text(new),
                )
            }
            _ => return,
        };
        let range = self.source.range(call.span());
        self.push("rmw-split", &method, range, replacement);
    }
}

/// Whether `expr` calls a method named one of `names` anywhere in its chain
/// (closures left out: their calls run later, somewhere else).
fn calls_method(expr: &syn::Expr, names: &[&str]) -> bool {
    find_calls(expr, names, None)
}

/// Whether `expr` calls `.NAME()` with no arguments (a lock's `read()`, not
/// `io::Read::read(buf)`; a handle's `join()`, not `Path::join(p)`).
fn calls_without_arguments(expr: &syn::Expr, names: &[&str]) -> bool {
    find_calls(expr, names, Some(0))
}

fn find_calls(expr: &syn::Expr, names: &[&str], arguments: Option<usize>) -> bool {
    struct Calls<'n> {
        names: &'n [&'n str],
        arguments: Option<usize>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Calls<'_> {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if self.names.contains(&call.method.to_string().as_str())
                && self.arguments.is_none_or(|n| n == call.args.len())
            {
                self.found = true;
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut calls = Calls {
        names,
        arguments,
        found: false,
    };
    calls.visit_expr(expr);
    calls.found
}

/// The method a statement calls last (`q.notify_one()` → `notify_one`).
fn outer_method(expr: &syn::Expr) -> Option<(&syn::ExprMethodCall, String)> {
    match expr {
        syn::Expr::MethodCall(call) => Some((call, call.method.to_string())),
        _ => None,
    }
}

/// The identifiers a `let` binds.
fn bound_names(pat: &syn::Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.push(pat.ident.to_string());
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_pat(pat);
    names.0
}

const LOCKS: [&str; 3] = ["lock", "write", "read"];

impl Scoped for Finder<'_, '_> {
    fn scope(&mut self) -> &mut Scope {
        &mut self.scope
    }
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        walk_mod(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        walk_impl(self, item);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.walk_function(&item.sig.ident, &item.block);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.walk_function(&item.sig.ident, &item.block);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if method == "notify_all" && call.args.is_empty() {
            let range = self.source.range(call.method.span());
            self.push("notify-one", "", range, "notify_one".to_string());
        }
        if matches!(method.as_str(), "read" | "try_read") && call.args.is_empty() {
            let range = self.source.range(call.method.span());
            let to = method.replace("read", "write");
            self.push("read-to-write", "", range, to);
        }
        if method == "compare_exchange" && self.loops == 0 {
            let range = self.source.range(call.method.span());
            self.push("cas-weak", "", range, "compare_exchange_weak".to_string());
        }
        self.weaken_orderings(call);
        self.split_read_modify_write(call);
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.loops += 1;
        syn::visit::visit_expr_loop(self, expr);
        self.loops -= 1;
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.loops += 1;
        syn::visit::visit_expr_for_loop(self, expr);
        self.loops -= 1;
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        use syn::BinOp;
        let op = match expr.op {
            BinOp::AddAssign(_) => Some("+"),
            BinOp::SubAssign(_) => Some("-"),
            BinOp::MulAssign(_) => Some("*"),
            BinOp::BitOrAssign(_) => Some("|"),
            BinOp::BitAndAssign(_) => Some("&"),
            BinOp::BitXorAssign(_) => Some("^"),
            _ => None,
        };
        if let Some(op) = op
            && takes_lock(&expr.left)
        {
            let place = self.source.text_of(&*expr.left);
            let value = self.source.text_of(&*expr.right);
            let range = self.source.range(expr.span());
            let split = format!("{{ let __old = {place}; {place} = __old {op} ({value}); }}");
            self.push("lock-split", "", range, split);
        }
        syn::visit::visit_expr_binary(self, expr);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        // `fence(Ordering::SeqCst)`, `atomic::fence(..)`.
        if let syn::Expr::Path(path) = &*call.func
            && path
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "fence")
            && let Some((ordering, span)) = call.args.first().and_then(ordering_of)
        {
            for to in weaker(Role::ReadModifyWrite, &ordering) {
                let range = self.source.range(span);
                self.push(
                    "ordering",
                    &format!("fence:{ordering}->{to}"),
                    range,
                    to.to_string(),
                );
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.loops += 1;
        self.visit_while(expr);
        self.loops -= 1;
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.visit_statements(block);
        syn::visit::visit_block(self, block);
    }
}

impl<'ast> Finder<'_, '_> {
    fn visit_while(&mut self, expr: &'ast syn::ExprWhile) {
        let waits = expr
            .body
            .stmts
            .iter()
            .any(|s| matches!(s, syn::Stmt::Expr(e, _) if calls_method(e, &["wait", "wait_timeout"]))
                || matches!(s, syn::Stmt::Local(l) if l.init.as_ref().is_some_and(|i| calls_method(&i.expr, &["wait", "wait_timeout"]))));
        if waits && expr.label.is_none() {
            let range = self.source.range(expr.while_token.span);
            self.push("while-to-if", "", range, "if".to_string());
        }
        syn::visit::visit_expr_while(self, expr);
    }

    fn visit_statements(&mut self, block: &'ast syn::Block) {
        for (index, stmt) in block.stmts.iter().enumerate() {
            // Statements left out: a notify, a join, a barrier wait.
            if let syn::Stmt::Expr(expr, Some(_)) = stmt {
                let (start, end) = self.source.range(stmt.span());
                match outer_method(expr) {
                    Some((call, m))
                        if matches!(m.as_str(), "notify_one" | "notify_all" | "unpark")
                            && call.args.is_empty() =>
                    {
                        self.push("notify-drop", &m, (start, end), String::new());
                    }
                    Some((call, m)) if m == "wait" && call.args.is_empty() => {
                        self.push("wait-drop", "", (start, end), String::new());
                    }
                    _ if calls_without_arguments(expr, &["join"]) => {
                        self.push("join-drop", "", (start, end), String::new());
                    }
                    _ => {}
                }
            }
            if let syn::Stmt::Local(local) = stmt
                && matches!(local.pat, syn::Pat::Wild(_))
                && local
                    .init
                    .as_ref()
                    .is_some_and(|i| calls_without_arguments(&i.expr, &["join"]))
            {
                let range = self.source.range(stmt.span());
                self.push("join-drop", "", range, String::new());
            }
            // Two locks taken one after the other, swapped.
            if let (Some((first_names, first_lock)), Some((_, second_lock))) = (
                lock_step(stmt),
                block.stmts.get(index + 1).and_then(lock_step),
            ) && takes_lock(first_lock)
                && takes_lock(second_lock)
            {
                let second_text = self.source.text_of(second_lock);
                let independent = first_names.iter().all(|name| !mentions(second_text, name));
                if independent {
                    let (a_start, a_end) = self.source.range(stmt.span());
                    let (b_start, b_end) = self.source.range(block.stmts[index + 1].span());
                    let text = self.source.text;
                    let swapped = format!(
                        "{}{}{}",
                        &text[b_start..b_end],
                        &text[a_end..b_start],
                        &text[a_start..a_end]
                    );
                    self.push("lock-order", "", (a_start, b_end), swapped);
                }
            }
        }
    }
}

/// A statement that takes something into a name: `let g = EXPR;` or
/// `g = EXPR;`, as the names it binds and the expression.
fn lock_step(stmt: &syn::Stmt) -> Option<(Vec<String>, &syn::Expr)> {
    match stmt {
        syn::Stmt::Local(local) => Some((bound_names(&local.pat), &*local.init.as_ref()?.expr)),
        syn::Stmt::Expr(syn::Expr::Assign(assign), Some(_)) => {
            let names = match &*assign.left {
                syn::Expr::Path(path) => path.path.get_ident().map(|i| vec![i.to_string()]),
                _ => None,
            }?;
            Some((names, &*assign.right))
        }
        _ => None,
    }
}

/// Whether `expr` takes a lock: `.lock()`, `.read()`, `.write()`, or a
/// helper function named `lock` (13-ipc's poison-tolerant `lock(&m)`).
fn takes_lock(expr: &syn::Expr) -> bool {
    struct Helper(bool);
    impl<'ast> Visit<'ast> for Helper {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(path) = &*call.func
                && path.path.segments.last().is_some_and(|s| s.ident == "lock")
            {
                self.0 = true;
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut helper = Helper(false);
    helper.visit_expr(expr);
    helper.0 || calls_without_arguments(expr, &LOCKS)
}

/// Whether `text` uses the identifier `name` (not as part of a longer one).
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edits(solution: &str) -> Vec<Edit> {
        find_edits(solution, &StubItems::of("")).expect("parses")
    }

    fn apply(solution: &str, edit: &Edit) -> String {
        format!(
            "{}{}{}",
            &solution[..edit.start],
            edit.replacement,
            &solution[edit.end..]
        )
    }

    #[test]
    fn every_operator_plants_its_mistake() {
        let solution = r#"
impl Queue {
    fn push(&self, item: u32) {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        self.not_empty.notify_all();
    }
    fn count(&self) -> u64 {
        self.hits.fetch_add(1, Ordering::AcqRel);
        self.ready.load(Ordering::Acquire)
    }
    fn peek(&self) -> usize { self.map.read().unwrap().len() }
    fn both(&self) {
        let a = self.a.lock().unwrap();
        let b = self.b.lock().unwrap();
        self.barrier.wait();
        for h in handles { h.join().unwrap(); }
    }
}
"#;
        let found = edits(solution);
        let by = |op: &str| {
            found
                .iter()
                .filter(|e| e.operator == op)
                .collect::<Vec<_>>()
        };
        assert_eq!(by("while-to-if").len(), 1);
        assert!(apply(solution, by("while-to-if")[0]).contains("if items.len() == self.capacity"));
        assert_eq!(by("notify-one").len(), 1);
        assert_eq!(by("notify-drop").len(), 1);
        assert!(!apply(solution, by("notify-drop")[0]).contains("notify_all"));
        // AcqRel → Acquire and → Release on the RMW; Acquire → Relaxed on the load.
        assert_eq!(by("ordering").len(), 3);
        let split = apply(solution, by("rmw-split")[0]);
        assert!(
            split.contains(
                "({ let __old = self.hits.load(Ordering::Acquire); \
                 self.hits.store(__old.wrapping_add(1), Ordering::Release); __old })"
            ),
            "{split}"
        );
        assert!(apply(solution, by("read-to-write")[0]).contains("self.map.write()"));
        let swapped = apply(solution, by("lock-order")[0]);
        assert!(
            swapped.find("let b = self.b.lock()") < swapped.find("let a = self.a.lock()"),
            "{swapped}"
        );
        assert_eq!(by("wait-drop").len(), 1);
        assert!(!apply(solution, by("join-drop")[0]).contains(".join()"));
    }

    #[test]
    fn given_code_is_never_mutated() {
        let stub = StubItems::of("fn given() { x.notify_all(); }\nfn task() { todo!() }");
        let solution = "fn given() { x.notify_all(); }\nfn task() { x.notify_all(); }";
        let found = find_edits(solution, &stub).expect("parses");
        assert!(!found.is_empty());
        assert!(found.iter().all(|e| e.function == "task"), "{found:#?}");
    }

    #[test]
    fn split_critical_sections_lone_weak_exchanges_and_assigned_locks() {
        let solution = r#"
fn add(count: &Mutex<u64>) { *count.lock().unwrap() += 2; }
fn take(flag: &AtomicBool) -> bool {
    flag.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok()
}
fn take_in_a_loop(flag: &AtomicBool) {
    loop { if flag.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok() { break } }
}
fn order(x: &Mutex<u8>, y: &Mutex<u8>) { let (a, b); a = x.lock().unwrap(); b = y.lock().unwrap(); }
"#;
        let found = edits(solution);
        let by = |op: &str| {
            found
                .iter()
                .filter(|e| e.operator == op)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            apply(solution, by("lock-split")[0]).lines().nth(1),
            Some(
                "fn add(count: &Mutex<u64>) { { let __old = *count.lock().unwrap(); \
                 *count.lock().unwrap() = __old + (2); }; }"
            )
        );
        let weak = by("cas-weak");
        assert_eq!(weak.len(), 1, "only the lone exchange: {weak:#?}");
        assert_eq!(weak[0].function, "take");
        let swapped = apply(solution, by("lock-order")[0]);
        assert!(
            swapped.contains("b = y.lock().unwrap(); a = x.lock().unwrap();"),
            "{swapped}"
        );
    }

    #[test]
    fn dependent_locks_are_not_swapped() {
        let found = edits("fn f() { let a = m.lock().unwrap(); let b = a.inner.lock().unwrap(); }");
        assert!(found.iter().all(|e| e.operator != "lock-order"));
    }
}
