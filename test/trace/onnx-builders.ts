// Small ONNX models built in the tests (onnx-buf), for cases the shared fixtures do not cover:
// an operator set onnxruntime does not know, and MLPs whose size the test chooses.
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';

type Dim = number | string;

function valueInfo(name: string, dims: Dim[], elemType = TensorProto_DataType.FLOAT) {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType,
          shape: create(TensorShapeProtoSchema, {
            dim: dims.map((d) =>
              create(TensorShapeProto_DimensionSchema, {
                value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
              }),
            ),
          }),
        }),
      },
    }),
  });
}

function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.FLOAT,
    rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength) as ArrayBuffer),
  });
}

function node(opType: string, inputs: string[], outputs: string[]): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}` });
}

function model(nodes: NodeProto[], inputs: ReturnType<typeof valueInfo>[], outputs: ReturnType<typeof valueInfo>[], init: TensorProto[], opset = 17): Uint8Array {
  const graph = create(GraphProtoSchema, { name: 'g', node: nodes, input: inputs, output: outputs, initializer: init });
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'mlserve-trace-tests',
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opset) })],
      graph,
    }),
  );
}

/** A deterministic pseudo-random float in [-0.5, 0.5). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** input float32 [N, inputs] → MatMul/Add/Relu × layers → output [N, inputs]; size grows with hidden. */
export function mlp({ inputs = 16, hidden = 64, layers = 2, opset = 17 } = {}): Uint8Array {
  const rand = rng(7);
  const nodes: NodeProto[] = [];
  const init: TensorProto[] = [];
  let prev = 'input';
  let width = inputs;
  for (let l = 0; l < layers; l++) {
    const out = l === layers - 1 ? inputs : hidden;
    const w = new Float32Array(width * out).map(() => rand() / Math.sqrt(width));
    const b = new Float32Array(out).map(() => rand() * 0.1);
    init.push(floatTensor(`w${l}`, [width, out], w), floatTensor(`b${l}`, [out], b));
    nodes.push(node('MatMul', [prev, `w${l}`], [`mm${l}`]), node('Add', [`mm${l}`, `b${l}`], [`a${l}`]));
    const last = l === layers - 1;
    nodes.push(node('Relu', [`a${l}`], [last ? 'output' : `h${l}`]));
    prev = `h${l}`;
    width = out;
  }
  return model(nodes, [valueInfo('input', ['N', inputs])], [valueInfo('output', ['N', inputs])], init, opset);
}

/** Identity on an input whose second dimension is free (needs --shape). */
export function freeDimModel(): Uint8Array {
  return model([node('Identity', ['input'], ['output'])], [valueInfo('input', ['N', 'T'])], [valueInfo('output', ['N', 'T'])], []);
}
