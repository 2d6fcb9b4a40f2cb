/**
 * A list that renders only the rows in view (fixed row height), so 600 000 events scroll as
 * fast as 60. Keyboard: ↑/↓, PageUp/PageDown, Home/End move the selection; the list is one
 * tab stop (a `listbox` whose active row is announced through `aria-activedescendant`).
 */
export interface VirtualListOptions {
  label: string;
  rowHeight: number;
  renderRow(index: number, row: HTMLElement): void;
  onSelect(index: number): void;
}

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private count = 0;
  private selected = -1;
  private drawn = '';
  // Kept from the scroll and resize events: reading them in draw() would force a layout of the
  // whole page (a long text included) on every update of a growing stream.
  private scrollTop = 0;
  private viewHeight = 0;
  private readonly id = `vl${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly options: VirtualListOptions) {
    this.element = document.createElement('div');
    this.element.className = 'vlist';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', options.label);
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.rows = document.createElement('div');
    this.rows.className = 'vlist-rows';
    this.spacer.append(this.rows);
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => {
      this.scrollTop = this.element.scrollTop;
      this.draw();
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (row) this.options.onSelect(Number(row.dataset.index));
    });
    new ResizeObserver((entries) => {
      this.viewHeight = entries[0]?.contentRect.height ?? this.viewHeight;
      this.draw(true);
    }).observe(this.element);
  }

  setCount(count: number): void {
    if (count === this.count) return;
    this.count = count;
    this.spacer.style.height = `${count * this.options.rowHeight}px`;
    this.draw(true);
  }

  /** Marks a row selected and scrolls it into view (does not call onSelect). */
  select(index: number): void {
    this.selected = index;
    const { rowHeight } = this.options;
    const top = index * rowHeight;
    const view = this.viewHeight;
    if (top < this.scrollTop) this.scrollTo(top);
    else if (top + rowHeight > this.scrollTop + view) this.scrollTo(top + rowHeight - view);
    this.draw(true);
  }

  private scrollTo(top: number): void {
    this.scrollTop = Math.max(0, top);
    this.element.scrollTop = this.scrollTop;
  }

  refresh(): void {
    this.draw(true);
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewHeight / this.options.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, j: 1, k: -1 };
    let next: number | undefined;
    if (event.key in moves) next = Math.max(0, this.selected + moves[event.key]!);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = this.count - 1;
    if (next === undefined || this.count === 0) return;
    event.preventDefault();
    this.options.onSelect(Math.min(this.count - 1, next));
  }

  private draw(force = false): void {
    const { rowHeight } = this.options;
    const first = Math.max(0, Math.floor(this.scrollTop / rowHeight) - 4);
    const last = Math.min(this.count, first + Math.ceil((this.viewHeight || 400) / rowHeight) + 8);
    const key = `${first}:${last}:${this.selected}`;
    if (!force && key === this.drawn) return;
    this.drawn = key;
    this.rows.style.transform = `translateY(${first * rowHeight}px)`;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = document.createElement('div');
      row.className = 'vrow';
      row.dataset.index = String(i);
      row.id = `${this.id}-${i}`;
      row.setAttribute('role', 'option');
      row.style.height = `${rowHeight}px`;
      if (i === this.selected) {
        row.setAttribute('aria-selected', 'true');
        row.classList.add('selected');
      }
      this.options.renderRow(i, row);
      rows.push(row);
    }
    this.rows.replaceChildren(...rows);
    if (this.selected >= first && this.selected < last) this.element.setAttribute('aria-activedescendant', `${this.id}-${this.selected}`);
    else this.element.removeAttribute('aria-activedescendant');
  }
}
