// Writes a tiny but real sentence-embedding model for the tests: an ONNX graph (token
// embedding lookup, masked by attention_mask) serialised with protobufjs from the
// public onnx.proto field numbers, a WordPiece tokenizer.json, tokenizer_config.json and a
// BERT config.json — the files @huggingface/transformers loads for any hub model. Words
// of one meaning share an embedding row, so paraphrases land near each other.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import protobuf from 'protobufjs';

// The subset of onnx.proto the graph needs (field numbers as published by ONNX).
const onnxProto = `
syntax = "proto3";
package onnx;
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message AttributeProto { string name = 1; int64 i = 3; int32 type = 20; }
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  Tensor tensor_type = 1;
}
message TensorShapeProto {
  message Dimension { int64 dim_value = 1; string dim_param = 2; }
  repeated Dimension dim = 1;
}
`;

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

/** Groups of words with one meaning; every other vocabulary word has a row of its own. */
const meanings: string[][] = [
  ['sister', 'sibling'],
  ['adores', 'loves', 'love', 'likes'],
  ['sunflowers', 'flowers', 'blossoms'],
  ['car', 'automobile', 'vehicle'],
];
const otherWords = (
  'my which does do what the a is grows them every summer we decided to ship release on ' +
  'thursday passport renewal due in march office rue lepic zyxquartz marguerite project note'
).split(' ');

/** Size of the tiny model's vectors. */
export const tinyModelDims = 32;

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  };
}

/** Write the model into `dir` (config.json, tokenizer files, onnx/model.onnx). */
export async function writeTinyModel(dir: string): Promise<void> {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab: string[] = [...special];
  const rowOf: number[] = special.map(() => -1); // special tokens: zero rows
  const rows: number[][] = [];
  const random = seededRandom(42);
  const newRow = () => {
    rows.push(Array.from({ length: tinyModelDims }, random));
    return rows.length - 1;
  };
  for (const group of meanings) {
    const row = newRow();
    for (const word of group) {
      vocab.push(word);
      rowOf.push(row);
    }
  }
  for (const word of otherWords) {
    vocab.push(word);
    rowOf.push(newRow());
  }
  const zero = new Array<number>(tinyModelDims).fill(0);
  const table = rowOf.flatMap((row) => (row < 0 ? zero : rows[row]!));

  const root = protobuf.parse(onnxProto).root;
  const Model = root.lookupType('onnx.ModelProto');
  const model = {
    irVersion: 8,
    producerName: 'clawdbot-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-sentence-embedding',
      initializer: [
        {
          name: 'embeddings',
          dims: [vocab.length, tinyModelDims],
          dataType: FLOAT,
          floatData: table,
        },
        { name: 'unsqueeze_axes', dims: [1], dataType: INT64, int64Data: [2] },
      ],
      node: [
        {
          name: 'lookup',
          opType: 'Gather',
          input: ['embeddings', 'input_ids'],
          output: ['tokens'],
        },
        {
          name: 'mask_float',
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['mask'],
          attribute: [{ name: 'to', type: ATTRIBUTE_INT, i: FLOAT }],
        },
        {
          name: 'mask_3d',
          opType: 'Unsqueeze',
          input: ['mask', 'unsqueeze_axes'],
          output: ['mask3'],
        },
        {
          name: 'masked',
          opType: 'Mul',
          input: ['tokens', 'mask3'],
          output: ['last_hidden_state'],
        },
      ],
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', tinyModelDims])],
    },
  };
  const error = Model.verify(model);
  if (error) throw new Error(`tiny model: ${error}`);
  const bytes = Model.encode(Model.fromObject(model)).finish();

  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'onnx', 'model.onnx'), bytes);
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: tinyModelDims,
      vocab_size: vocab.length,
      max_position_embeddings: 512,
    }),
  );
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  const specialToken = (content: string) => ({
    id: vocab.indexOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  await writeFile(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: special.map(specialToken),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((word, index) => [word, index])),
      },
    }),
  );
}
