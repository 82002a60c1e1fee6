// Package assistant is Cercle's side of a language model: a client for any
// server speaking OpenAI's Chat Completions API (OpenAI, Mistral, Ollama,
// vLLM). It writes the weekly digest's group summaries, as a
// commands.Summarizer, and answers members' questions with the core's
// read-only tools, as a commands.Answerer (answer.go, answer_call.go).
//
// It hides go-openai, which no other package imports, and what the core
// must not care about: prompts (embedded from prompts/), the shape of
// requests that every compatible server accepts, parsing what a model
// answers, splitting a long week into parts, retries and timeouts. Member
// messages reach the model as data between delimiters, never as
// instructions, and what comes back is untrusted: the core checks the
// citations and escapes the text.
//
// It imports only the standard library, commands, i18n and go-openai.
package assistant
