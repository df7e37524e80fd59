export { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions, type FakeOpenAIRequest, type FakeClassifierFn } from './server.ts';
export type { FakeOpenAIFault, FakeOpenAIFaultMode, FakeOpenAIFaults } from './faults.ts';
export { classifyByKeywords, type FakeClassification, type FakeCategory } from './heuristic-classifier.ts';
