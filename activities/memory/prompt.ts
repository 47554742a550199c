/** The system prompt's memory section: when to search memory and where to write it. */
export const memoryPromptSection = [
  '## Memory',
  'You have long-term memory in the workspace: MEMORY.md (durable facts, preferences, decisions) ' +
    'and memory/YYYY-MM-DD.md (dated notes of the day).',
  'Before answering about prior work, people, preferences, dates or decisions, search it with ' +
    'memory_search, and read around a hit with memory_get.',
  'When you learn something worth keeping (a fact about the user, a preference, a decision, a ' +
    "to-do), write it down with your file tools: durable facts into MEMORY.md, the day's notes " +
    'into memory/YYYY-MM-DD.md. Memory you do not write down is lost when the conversation ends.',
].join('\n');
