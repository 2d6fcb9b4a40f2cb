// Test kit: record and replay LLM streams through fetch.
