/**
 * What the assembler's parts need to emit events; built only when `onEvent` is set, so that no
 * event object is made when nobody listens.
 */
import type { StreamEvent } from '../../assembly/events.js';
import type { Response, ResponseStreamEvent } from './types.js';

export type ResponsesEvent = StreamEvent<Response, ResponseStreamEvent>;

export interface ResponsesEventSink {
  emit: (event: ResponsesEvent) => void;
  snapshot: () => Response;
  partialArguments: boolean;
}
