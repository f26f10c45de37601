// node run_graph_model.js MODEL_DIR INPUT.f32 OUT_PREFIX: runs the CenterNet TF.js graph model on the CPU backend and
// writes tower_0/keypoints and tower_0/wh as raw float32 files OUT_PREFIX.kp.f32 / OUT_PREFIX.wh.f32.
const tf = require('@tensorflow/tfjs'); // resolved through NODE_PATH
const fs = require('fs'); const path = require('path');
(async () => {
  const [dir, input, out] = process.argv.slice(2);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'centernet.json')));
  const bufs = json.weightsManifest.flatMap(g => g.paths.map(p => fs.readFileSync(path.join(dir, p))));
  const all = Buffer.concat(bufs);
  const handler = { load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap(g => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length), format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy, signature: json.signature }) };
  await tf.setBackend('cpu');
  const model = await tf.loadGraphModel(handler);
  const raw = fs.readFileSync(input);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4), [1, 512, 512, 3]);
  const t0 = Date.now();
  const [kp, wh] = model.execute(x, ['tower_0/keypoints', 'tower_0/wh']);
  fs.writeFileSync(out + '.kp.f32', Buffer.from((await kp.data()).buffer));
  fs.writeFileSync(out + '.wh.f32', Buffer.from((await wh.data()).buffer));
  console.log('tfjs ms', Date.now() - t0);
})();
