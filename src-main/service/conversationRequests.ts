/**
 * The service's requests about the conversation: a turn (its steps streamed as token events), a
 * replay of every turn with the weights as they are now, starting afresh, and a trace of any text.
 * Long turns and replays run in slices, so other requests are answered meanwhile.
 */
import { traceText } from '../model/network/generation.ts';
import { createRng } from '../model/network/rng.ts';
import { droppedCharacters, tokenizeBounded } from '../model/network/tokenizer.ts';
import type { HandlersFor, ServiceContext } from './context.ts';
import type { GeneratedTurn, StepRecord, TurnRequest } from './protocol.ts';
import { stepRecord } from './wire.ts';

type ConversationRequest = 'generate' | 'replay' | 'resetConversation' | 'trace';

export function conversationRequests({ models, scheduler, emit }: ServiceContext): HandlersFor<ConversationRequest> {
  /** One turn of the open conversation; with a request id, each step is also sent as an event. */
  async function say(request: TurnRequest, requestId: number | null): Promise<GeneratedTurn> {
    const { model, conversation } = models.current();
    const fedText = ['', ...tokenizeBounded(request.prompt, 'the message')];
    const turn = conversation.turn(request.prompt, {
      temperature: request.temperature,
      topK: request.topK,
      rng: createRng(request.seed),
      maxTokens: request.maxTokens,
    });
    const steps: StepRecord[] = [];
    for (;;) {
      const next = turn.next();
      if (next.done) {
        const line = next.value;
        return {
          reply: line.text,
          tokens: line.tokens.map((row) => model.vocabulary.tokens[row]),
          ended: line.ended,
          dropped: droppedCharacters(request.prompt),
          steps,
        };
      }
      const { phase, step } = next.value;
      const record = stepRecord(step, phase === 'prompt' ? fedText[steps.length] : model.vocabulary.tokens[step.row]);
      steps.push(record);
      if (requestId !== null) emit({ event: 'token', requestId, phase, step: record });
      await scheduler.letOthersIn();
    }
  }

  return {
    generate: (request) => say(request, request.id),
    async replay({ turns }) {
      const { conversation } = models.current();
      // Every prompt is checked before the conversation is touched, so a bad one changes nothing.
      turns.forEach((turn, i) => tokenizeBounded(turn.prompt, `the message of turn ${i + 1}`));
      conversation.reset();
      const replies: GeneratedTurn[] = [];
      for (const turn of turns) replies.push(await say(turn, null));
      return replies;
    },
    resetConversation: () => {
      models.current().conversation.reset();
      return null;
    },
    trace: ({ text }) => {
      const { model } = models.current();
      return traceText(model, text).map(({ step, text }) => stepRecord(step, text));
    },
  };
}
