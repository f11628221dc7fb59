import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import { usePretext } from '../../src/react/usePretext'
import meta from '../../stories/PretextPlayground.stories'

test('usePretext with SampleGrid and LossChart renders idle on the server, and so does its story', () => {
  expect(typeof window).toBe('undefined')
  function JigsawDemo() {
    const jigsaw = usePretext({ data: 'digits', task: 'jigsaw', autoTrain: true })
    return (
      <section>
        <p>status: {jigsaw.status}</p>
        <p>task: {String(jigsaw.task)}</p>
        <SampleGrid images={undefined} />
        <LossChart history={jigsaw.history} />
      </section>
    )
  }
  const html = renderToString(<JigsawDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('task: <!-- -->undefined')
  expect(html).not.toContain('<canvas')
  const Playground = meta.component as NonNullable<typeof meta.component>
  const story = renderToString(
    <Playground {...(meta.args as Required<NonNullable<typeof meta.args>>)} />,
  )
  expect(story).toContain('Examples appear once a model is ready')
})
