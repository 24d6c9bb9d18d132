"""A throwaway kind of submission, installed only in the test settings: proof that a new kind gets
screening, masking, reports, audit, NLP analysis and notifications by registering, with no code of its own."""
