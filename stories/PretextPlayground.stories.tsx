import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState } from 'react'
import { usePretext, type UsePretextOptions } from '../src/react/usePretext'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import type { PretextExamples, PretextPrediction } from '../src/core/pretext/pretextSpec'
import type { PretextTask } from '../src/core/pretext/pretextOptions'
import { unshuffleTiles } from '../src/core/pretext/permutations'
import { rotateImage } from '../src/core/pretext/pretextTasks'
import type { ImageBatch, ImageShape } from '../src/core/dataset'
import type { BackendPreference } from '../src/core/backend'
import { TrainingButtons } from './ModelControls'
import { ProbedTaskCharts } from './ProbedTaskCharts'

interface PlaygroundArgs {
  task: PretextTask
  examples: number
  batchSize: number
  epochs: number
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

const LOSS = [{ key: 'loss', label: 'task cross-entropy' }]
const ACCURACY = [{ key: 'accuracy', label: 'task accuracy' }]
const PRESETS: Partial<Record<PretextTask, string>> = {
  jigsaw: 'jigsaw-digits',
  rotation: 'rotation-digits',
  relativePosition: 'relative-position-digits',
}
const NEIGHBOUR_NAMES = ['↖', '↑', '↗', '←', '→', '↙', '↓', '↘']

/** Example `i` of `batch` as a batch of one. */
function one(batch: ImageBatch, i: number): ImageBatch {
  const [, h = 0, w = 0, c = 0] = batch.shape
  const size = h * w * c
  return { data: batch.data.slice(i * size, (i + 1) * size), shape: [1, h, w, c] }
}

/** The model's guess made visible: the example put back as the predicted class says. */
function undo(examples: PretextExamples, i: number, predicted: number): ImageBatch | undefined {
  const input = one(examples.inputs, i)
  const [, h = 0, w = 0, c = 0] = input.shape
  const shape: ImageShape = [h, w, c]
  if (examples.task === 'jigsaw') {
    const permutation = examples.permutations[predicted] ?? []
    return {
      data: unshuffleTiles(input.data, shape, examples.grid, permutation),
      shape: input.shape,
    }
  }
  if (examples.task === 'rotation') {
    const out = new Float32Array(input.data.length)
    rotateImage(input.data, 0, out, 0, shape, (4 - predicted) % 4)
    return { data: out, shape: input.shape }
  }
  return undefined
}

function Guess({
  examples,
  prediction,
  index,
}: {
  examples: PretextExamples
  prediction: PretextPrediction
  index: number
}) {
  const predicted = prediction.classes[index] ?? 0
  const right = predicted === examples.targets[index]
  const fixed = undo(examples, index, predicted)
  const confidence = prediction.probabilities[index * prediction.classCount + predicted] ?? 0
  const answer =
    examples.task === 'relativePosition'
      ? `${NEIGHBOUR_NAMES[predicted]} (truth ${NEIGHBOUR_NAMES[examples.targets[index] ?? 0]})`
      : examples.task === 'rotation'
        ? `${predicted * 90}°`
        : `#${predicted}`
  return (
    <figure
      data-testid="pretext-guess"
      data-right={right}
      style={{
        margin: 0,
        padding: 4,
        border: `3px solid ${right ? '#2e7d32' : '#c62828'}`,
        borderRadius: 4,
        textAlign: 'center',
      }}
    >
      <SampleGrid
        images={one(examples.inputs, index)}
        rows={1}
        columns={1}
        scale={examples.task === 'relativePosition' ? 10 : 8}
        label="the task's input"
      />
      {fixed ? (
        <SampleGrid
          images={fixed}
          rows={1}
          columns={1}
          scale={8}
          label="the input put back by the model's guess"
        />
      ) : null}
      <figcaption style={{ fontSize: 12 }}>
        {right ? '✓' : '✗'} {answer} · {(100 * confidence).toFixed(0)} %
      </figcaption>
    </figure>
  )
}

const CAPTIONS: Record<PretextTask, string> = {
  jigsaw:
    'Top: a digit whose 2×2 tiles were shuffled by one of 24 permutations. Bottom: the tiles put back by the permutation the model names — a whole digit when it is right (green), a scramble when wrong (red).',
  rotation:
    'Top: a digit turned by 0, 90, 180 or 270°. Bottom: turned back by the angle the model names — upright when it is right (green).',
  relativePosition:
    'Each pair: the centre patch of a 3×3 layout (left) and one of its 8 neighbours (right), a pixel apart. The arrow is where the model places the neighbour.',
}

function Playground(args: PlaygroundArgs) {
  const preset = args.preset ? PRESETS[args.task] : undefined
  const options: UsePretextOptions = {
    data: 'digits',
    task: args.task,
    batchSize: args.batchSize,
    epochs: args.epochs,
    learningRate: 0.003,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped model of the task; Train from scratch trains one live.
    ...(preset ? { preset } : {}),
  }
  const model = usePretext(options)
  const [seed, setSeed] = useState(1)
  const [shown, setShown] = useState<
    { examples: PretextExamples; prediction: PretextPrediction } | undefined
  >()
  const { status, makeTask, predict, modelVersion } = model

  useEffect(() => {
    if (status !== 'ready' && status !== 'paused') return
    let live = true
    void makeTask(args.examples, { seed }).then(async (examples) => {
      if (!live || !examples) return
      const prediction = await predict(examples.inputs)
      if (live && prediction) setShown({ examples, prediction })
    })
    return () => {
      live = false
    }
  }, [status, modelVersion, makeTask, predict, seed, args.examples])

  const right = shown
    ? shown.prediction.classes.filter((c, i) => c === shown.examples.targets[i]).length
    : 0
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={model} />
      <TrainingStatus model={model} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>The task and the model&apos;s guesses</h3>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
            {shown && shown.examples.task === args.task
              ? Array.from({ length: shown.examples.targets.length }, (_, i) => (
                  <Guess
                    key={i}
                    examples={shown.examples}
                    prediction={shown.prediction}
                    index={i}
                  />
                ))
              : null}
          </div>
          <p style={{ fontSize: 12 }} data-testid="guess-summary">
            {shown
              ? `${right} of ${shown.examples.targets.length} right`
              : 'Examples appear once a model is ready…'}
          </p>
          <button type="button" onClick={() => setSeed((s) => s + 1)}>
            New examples
          </button>
          <p style={{ fontSize: 12 }}>{CAPTIONS[args.task]}</p>
        </section>
        <ProbedTaskCharts
          model={model}
          loss={LOSS}
          accuracy={ACCURACY}
          accuracyTitle="Pretext task accuracy"
        />
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Pretext playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`usePretext` learning features of the embedded UCI digits from a task whose labels come from the images themselves: put a jigsaw back together (which of 24 orders shuffled the 2×2 tiles), tell how far a digit was turned, or say where a patch sits around the centre one. At the left: examples of the task, and the model’s guess applied to undo it — green when right, red when wrong; at the right the task’s loss and accuracy, and a linear probe with 10 labels per digit on the encoder’s features.',
      },
    },
  },
  argTypes: {
    task: { control: 'select', options: ['jigsaw', 'rotation', 'relativePosition'] },
    examples: { control: { type: 'range', min: 1, max: 24, step: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    epochs: { control: { type: 'number', min: 1 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    preset: { control: 'boolean' },
  },
  args: {
    task: 'jigsaw',
    examples: 12,
    batchSize: 128,
    epochs: 30,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/** Opens on the shipped jigsaw model: shuffled digits, put back by the model's guesses. */
export const Jigsaw: StoryObj<PlaygroundArgs> = {}

/** Opens on the shipped rotation model: turned digits, turned back by its guesses. */
export const Rotation: StoryObj<PlaygroundArgs> = { args: { task: 'rotation' } }

/** Opens on the shipped relative-position model: where does the neighbour patch sit? */
export const RelativePosition: StoryObj<PlaygroundArgs> = {
  args: { task: 'relativePosition' },
}
