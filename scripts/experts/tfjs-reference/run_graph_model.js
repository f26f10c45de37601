// node run_graph_model.js MODEL_JSON INPUT.f32 DIMS OUTPUTS OUT_PREFIX
// Runs a TF.js graph model on the CPU backend: DIMS is the input shape ("1,512,512,3"), OUTPUTS the comma-separated
// node names to fetch; output i is written as raw float32 to OUT_PREFIX.<i>.f32. @tensorflow/tfjs via NODE_PATH.
const tf = require('@tensorflow/tfjs');
const fs = require('fs'); const path = require('path');
(async () => {
  const [modelJson, input, dims, outputs, out] = process.argv.slice(2);
  const dir = path.dirname(modelJson);
  const json = JSON.parse(fs.readFileSync(modelJson));
  const all = Buffer.concat(json.weightsManifest.flatMap(g => g.paths.map(p => fs.readFileSync(path.join(dir, p)))));
  const handler = { load: async () => ({ modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap(g => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length), format: json.format,
    generatedBy: json.generatedBy, convertedBy: json.convertedBy, signature: json.signature }) };
  await tf.setBackend('cpu');
  const model = await tf.loadGraphModel(handler);
  const raw = fs.readFileSync(input);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4), dims.split(',').map(Number));
  let res = model.execute(x, outputs.split(','));
  if (!Array.isArray(res)) res = [res];
  for (let i = 0; i < res.length; i++) fs.writeFileSync(`${out}.${i}.f32`, Buffer.from((await res[i].data()).buffer));
})();
