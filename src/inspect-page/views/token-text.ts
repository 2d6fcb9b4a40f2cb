/**
 * The text as the user saw it, token by token, coloured by probability when logprobs came.
 * Long texts are cut into blocks that hold plain text until they scroll into view, when their
 * tokens become spans: the layout is exact from the start and only visible tokens cost DOM
 * nodes. A block ends after a line break (from its 256th token on), so blocks can be CSS blocks
 * without changing how the text wraps, and the browser skips laying out those off screen
 * (`content-visibility: auto`): a long text costs no layout for what is not in view. Keyboard: ←/→ move between tokens (their alternatives show), Enter selects the
 * token's event, Home/End jump to the ends.
 */
import type { InspectedToken } from '../model.js';
import { percent, probabilityBand } from '../dom.js';

const BLOCK = 256;
/** A text with no line break is still cut, here (the only place a block adds a line break). */
const MAX_BLOCK = 4096;

export interface TokenTextOptions {
  label: string;
  className: string;
  onSelectEvent(event: number): void;
  tooltip: Tooltip;
}

export class TokenText {
  readonly element: HTMLElement;
  private tokens: InspectedToken[] = [];
  private withLogprobs = false;
  private rendered = 0;
  private blocks: HTMLElement[] = [];
  /** The first token of each block. */
  private starts: number[] = [];
  private lastClosed = true;
  private active = -1;
  private readonly observer: IntersectionObserver;

  constructor(private readonly options: TokenTextOptions) {
    this.element = document.createElement('div');
    this.element.className = `tokens ${options.className}`;
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', `${options.label}: ←/→ move between tokens, Enter shows the token's event`);
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) this.upgrade(entry.target as HTMLElement);
    });
    this.element.addEventListener('mouseover', (event) => {
      const span = (event.target as HTMLElement).closest<HTMLElement>('.tok');
      if (span) this.showTip(Number(span.dataset.i), span);
    });
    this.element.addEventListener('mouseleave', () => this.active < 0 && this.options.tooltip.hide());
    this.element.addEventListener('click', (event) => {
      const span = (event.target as HTMLElement).closest<HTMLElement>('.tok');
      if (span) this.activate(Number(span.dataset.i), true);
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('blur', () => this.options.tooltip.hide());
  }

  /** Shows `tokens`; when it is the same list grown, only the new tokens are added. */
  set(tokens: InspectedToken[], withLogprobs: boolean): void {
    if (tokens !== this.tokens || withLogprobs !== this.withLogprobs || tokens.length < this.rendered) {
      this.tokens = tokens;
      this.withLogprobs = withLogprobs;
      this.rendered = 0;
      this.active = -1;
      for (const block of this.blocks) this.observer.unobserve(block);
      this.blocks = [];
      this.starts = [];
      this.lastClosed = true;
      this.element.replaceChildren();
    }
    this.element.classList.toggle('has-logprobs', withLogprobs);
    while (this.rendered < tokens.length) {
      if (this.lastClosed) {
        const created = document.createElement('div');
        created.className = 'tblock';
        created.dataset.block = String(this.blocks.length);
        this.blocks.push(created);
        this.starts.push(this.rendered);
        this.element.append(created);
        this.observer.observe(created);
        this.lastClosed = false;
      }
      const block = this.blocks.at(-1)!;
      const first = this.starts.at(-1)!;
      let end = this.rendered;
      while (end < tokens.length && !this.lastClosed) {
        const count = end - first + 1;
        this.lastClosed = (count >= BLOCK && tokens[end]!.text.endsWith('\n')) || count >= MAX_BLOCK;
        end++;
      }
      if (block.dataset.upgraded) {
        for (let i = this.rendered; i < end; i++) block.append(this.span(i));
      } else {
        let text = '';
        for (let i = this.rendered; i < end; i++) text += tokens[i]!.text;
        block.append(text);
      }
      this.rendered = end;
    }
  }

  /** The block holding token `index`. */
  private blockOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Marks the token carried by `event` (when there is one) and scrolls to it. */
  showEvent(event: number): void {
    const index = this.tokens.findIndex((t) => t.event === event);
    for (const old of this.element.querySelectorAll('.tok.linked')) old.classList.remove('linked');
    if (index < 0) return;
    const span = this.spanOf(index);
    span?.classList.add('linked');
    span?.scrollIntoView({ block: 'nearest' });
  }

  private span(i: number): HTMLElement {
    const token = this.tokens[i]!;
    const span = document.createElement('span');
    span.className = 'tok';
    span.dataset.i = String(i);
    span.dataset.event = String(token.event);
    if (this.withLogprobs && token.logprob !== undefined) {
      const band = probabilityBand(token.logprob);
      span.classList.add(`p${band}`);
      span.dataset.band = String(band);
    }
    span.textContent = token.text;
    return span;
  }

  private upgrade(block: HTMLElement): void {
    if (block.dataset.upgraded) return;
    block.dataset.upgraded = 'true';
    const at = Number(block.dataset.block);
    const first = this.starts[at]!;
    const end = this.starts[at + 1] ?? this.rendered;
    const spans: HTMLElement[] = [];
    for (let i = first; i < end; i++) spans.push(this.span(i));
    block.replaceChildren(...spans);
    if (this.active >= first && this.active < end) spans[this.active - first]!.classList.add('active');
  }

  private spanOf(index: number): HTMLElement | undefined {
    const at = this.blockOf(index);
    const block = this.blocks[at];
    if (!block) return undefined;
    this.upgrade(block);
    return block.children[index - this.starts[at]!] as HTMLElement | undefined;
  }

  private activate(index: number, select: boolean): void {
    if (index < 0 || index >= this.rendered) return;
    this.spanOf(this.active)?.classList.remove('active');
    this.active = index;
    const span = this.spanOf(index);
    if (!span) return;
    span.classList.add('active');
    span.scrollIntoView({ block: 'nearest' });
    this.showTip(index, span);
    if (select) this.options.onSelectEvent(this.tokens[index]!.event);
  }

  private onKey(event: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 10, ArrowUp: -10 };
    // The first move starts at the first token in view, not at the top of a long text.
    if (event.key in moves && this.active < 0) this.activate(this.firstInView(), false);
    else if (event.key in moves) this.activate(Math.max(0, Math.min(this.rendered - 1, this.active + moves[event.key]!)), false);
    else if (event.key === 'Home') this.activate(0, false);
    else if (event.key === 'End') this.activate(this.rendered - 1, false);
    else if (event.key === 'Enter' && this.active >= 0) this.activate(this.active, true);
    else if (event.key === 'Escape') this.options.tooltip.hide();
    else return;
    event.preventDefault();
  }

  private firstInView(): number {
    const top = this.element.getBoundingClientRect().top;
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid]!.getBoundingClientRect().bottom <= top) lo = mid + 1;
      else hi = mid;
    }
    const block = this.blocks[lo];
    if (!block) return 0;
    this.upgrade(block);
    const spans = [...block.children] as HTMLElement[];
    const first = spans.find((span) => span.getBoundingClientRect().bottom > top);
    return Number((first ?? spans[0])?.dataset.i ?? 0);
  }

  private showTip(index: number, anchor: HTMLElement): void {
    const token = this.tokens[index];
    if (!token) return;
    this.options.tooltip.show(anchor, token, this.withLogprobs);
  }
}

/** The one floating box that shows a token's probability and its top alternatives. */
export class Tooltip {
  readonly element: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
    document.body.append(this.element);
  }

  show(anchor: HTMLElement, token: InspectedToken, withLogprobs: boolean): void {
    const rows: HTMLElement[] = [];
    const head = document.createElement('div');
    head.className = 'tip-head';
    head.textContent = JSON.stringify(token.text) + (token.wire === undefined ? '' : `  (sent as ${JSON.stringify(token.wire)})`);
    rows.push(head);
    if (withLogprobs && token.logprob !== undefined) {
      const p = document.createElement('div');
      p.className = 'tip-p';
      p.textContent = `p = ${percent(token.logprob)}  ·  logprob ${token.logprob.toFixed(4)}`;
      rows.push(p);
      for (const alt of token.top ?? []) {
        const row = document.createElement('div');
        row.className = `tip-alt${alt.token === token.text ? ' chosen' : ''}`;
        const bar = document.createElement('span');
        bar.className = `tip-bar p${probabilityBand(alt.logprob)}`;
        bar.style.width = `${Math.max(2, Math.exp(alt.logprob) * 100)}%`;
        const label = document.createElement('span');
        label.className = 'tip-token';
        label.textContent = JSON.stringify(alt.token);
        const value = document.createElement('span');
        value.className = 'tip-value';
        value.textContent = percent(alt.logprob);
        row.append(label, value, bar);
        rows.push(row);
      }
    } else {
      const note = document.createElement('div');
      note.className = 'tip-p';
      note.textContent = 'no logprobs in this stream';
      rows.push(note);
    }
    this.element.replaceChildren(...rows);
    this.element.hidden = false;
    const box = anchor.getBoundingClientRect();
    const tip = this.element.getBoundingClientRect();
    const left = Math.min(window.innerWidth - tip.width - 8, Math.max(8, box.left));
    const below = box.bottom + 6 + tip.height < window.innerHeight;
    this.element.style.left = `${left + window.scrollX}px`;
    this.element.style.top = `${(below ? box.bottom + 6 : box.top - tip.height - 6) + window.scrollY}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
