// A double-ended queue on a circular array: a legacy group can hold 65536 buffers, and
// Array.prototype.shift() on that many would make selection quadratic.

export class Deque<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** list_add_tail() */
  pushBack(v: T): void {
    if (this.n === this.items.length) this.grow();
    this.items[(this.head + this.n) & (this.items.length - 1)] = v;
    this.n++;
  }

  /** list_add(): at the head. */
  pushFront(v: T): void {
    if (this.n === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = v;
    this.n++;
  }

  /** list_first_entry() + list_del() */
  popFront(): T | undefined {
    if (this.n === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.n--;
    return v;
  }

  /** Element i from the head (0 is the next one selected). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.n) return undefined;
    return this.items[(this.head + i) & (this.items.length - 1)];
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.n; i++) yield this.items[(this.head + i) & (this.items.length - 1)]!;
  }

  /** Takes everything, leaving the deque empty (list_splice_init). */
  drain(): T[] {
    const out = [...this];
    this.items = new Array<T | undefined>(16);
    this.head = 0;
    this.n = 0;
    return out;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.n; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
