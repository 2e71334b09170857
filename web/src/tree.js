// A conversation is a tree of messages (each names its parent): a regenerated answer is another
// assistant child of the same question, an edited question another user child of the same parent.
// The page shows one path through the tree, picking at each fork the selected child, by default
// the one leading to the newest message (so a reload shows where the user last wrote).
// Selections live in the page only.

export class Tree {
  constructor(messages = [], ratings = []) {
    this.byId = new Map();       // id -> message
    this.children = new Map();   // parent id ('' for the roots) -> [child ids], oldest first
    this.selected = new Map();   // parent id -> the child shown
    this.ratings = new Map();    // message id -> {rating, reason, comment}
    for (const m of messages) this.add(m);
    for (const r of ratings) this.ratings.set(r.message_id, r);
  }

  add(message) {
    this.order = (this.order || 0) + 1;
    this.byId.set(message.id, { ...message, seq: this.order });  // seq: arrival order, finer than created_at
    const key = message.parent_id || '';
    if (!this.children.has(key)) this.children.set(key, []);
    this.children.get(key).push(message.id);
  }

  // the children of a message (null: the roots)
  kids(parentId) {
    return this.children.get(parentId || '') || [];
  }

  select(id) {
    const m = this.byId.get(id);
    if (m) this.selected.set(m.parent_id || '', id);
  }

  // the shown path from a root down to a leaf
  path() {
    const out = [];
    for (let key = ''; ;) {
      const kids = this.children.get(key);
      if (!kids || kids.length === 0) return out;
      const id = this.selected.get(key) || this.newestBranch(kids);
      out.push(this.byId.get(id));
      key = id;
    }
  }

  // among sibling ids, the one whose subtree holds the newest message
  newestBranch(ids) {
    const newest = (id) => Math.max(this.byId.get(id).seq, ...this.kids(id).map(newest));
    let best = ids[ids.length - 1];
    let bestSeq = -1;
    for (const id of ids) {
      const n = newest(id);
      if (n > bestSeq) { best = id; bestSeq = n; }
    }
    return best;
  }

  // the root-to-`id` path (inclusive)
  pathTo(id) {
    const out = [];
    for (let m = this.byId.get(id); m; m = this.byId.get(m.parent_id)) out.unshift(m);
    return out;
  }

  // the message's position among its siblings: {index, count, ids}
  siblings(message) {
    const ids = this.kids(message.parent_id);
    return { index: ids.indexOf(message.id), count: ids.length, ids };
  }

  last() {
    const p = this.path();
    return p.length ? p[p.length - 1] : null;
  }
}
