/**
 * Model profiles: one {@link io.unimllm.protocol.profile.ModelProfile} per model family binds the grounding syntax
 * (a codec), the coordinate frame and the image size it refers to, the special tokens that must survive decoding and
 * the chat template. {@link io.unimllm.protocol.profile.ModelProfiles} chooses one by name or from a checkpoint's
 * {@code config.json} {@code model_type}. Pure functions over strings: this package reads no files. The table of
 * frames and their sources: docs/protocol.md.
 */
package io.unimllm.protocol.profile;
