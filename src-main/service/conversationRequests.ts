/**
 * The service's requests about the conversation: a turn (its reply carries every step), a replay of
 * every turn with the weights as they are now, starting afresh, and a trace of any text. Each turn's
 * message is tokenized once. Long turns and replays run in slices, so other requests are answered
 * meanwhile.
 */
import { traceText } from '../model/network/generation.ts';
import { createRng } from '../model/network/rng.ts';
import { readMessage } from '../model/network/tokenizer.ts';
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import type { GeneratedTurn, StepRecord, TurnRequest } from './protocol.ts';
import { stepRecord } from './wire.ts';

type ConversationRequest = 'generate' | 'replay' | 'resetConversation' | 'trace';

/** A turn's message, read once: its tokens and the characters tokenizing dropped. */
type ReadTurn = TurnRequest & ReturnType<typeof readMessage>;

export function conversationRequests({ models, scheduler }: ServiceParts): HandlersFor<ConversationRequest> {
  const read = (turn: TurnRequest, what: string): ReadTurn => ({ ...turn, ...readMessage(turn.prompt, what) });

  /** One turn of the open conversation. */
  async function say(request: ReadTurn): Promise<GeneratedTurn> {
    const { model, conversation } = models.current();
    const fedText = ['', ...request.tokens];
    const turn = conversation.turn(request.tokens, {
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
          dropped: request.dropped,
          steps,
        };
      }
      const { phase, step } = next.value;
      const record = stepRecord(step, phase === 'prompt' ? fedText[steps.length] : model.vocabulary.tokens[step.row]);
      steps.push(record);
      await scheduler.letOthersIn();
    }
  }

  return {
    generate: (request) => say(read(request, 'the message')),
    async replay({ turns }) {
      const { conversation } = models.current();
      // Every prompt is read (and checked) before the conversation is touched, so a bad one changes nothing.
      const readTurns = turns.map((turn, i) => read(turn, `the message of turn ${i + 1}`));
      conversation.reset();
      const replies: GeneratedTurn[] = [];
      for (const turn of readTurns) replies.push(await say(turn));
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
