/**
 * The router and the Java experts behind a model that runs elsewhere: {@link io.unimllm.remote.RemoteMllm} sends an
 * image and an instruction to any OpenAI-compatible chat endpoint, parses the answer with the
 * {@link io.unimllm.protocol.profile.ModelProfile} of the dialect that model speaks (groundings in pixels of the
 * original image), routes its tasks through a {@link io.unimllm.router.TaskRouter} and returns the runtime's
 * {@link io.unimllm.Response}. Failures of the endpoint are {@link io.unimllm.remote.RemoteModelException}s.
 */
package io.unimllm.remote;
