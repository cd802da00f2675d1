import type { LoadedChart } from '../../../server/src/engine/chart/types';
import type { RenderOptions } from '../../../server/src/engine/eval/render';
import { ChartRenderer } from '../../../server/src/engine/eval/render';
import type { Chunk } from '../../../server/src/engine/eval/value';

/** Marks an Unknown run in the text that `output` returns. */
export const UNKNOWN = '⟨?⟩';

/** An in-memory chart named `demo` whose templates/ holds `templates` (path under templates/ → text). */
export function chartOf(
  templates: Record<string, string>,
  values: Record<string, unknown> = {},
  subcharts: LoadedChart[] = [],
  name = 'demo',
  prefix = name,
): LoadedChart {
  return {
    directory: `/virtual/${name}`,
    metadata: {
      name,
      version: '1.2.3',
      appVersion: '4.5.6',
      apiVersion: 'v2',
      raw: { name, version: '1.2.3', appVersion: '4.5.6', apiVersion: 'v2', description: 'A demo chart' },
    },
    values,
    templates: Object.entries(templates).map(([path, text]) => ({
      path: `templates/${path}`,
      absolutePath: `/virtual/${name}/templates/${path}`,
      text,
    })),
    files: new Map([
      ['config/app.conf', 'a=1\nb=2\n'],
      ['config/other.txt', 'other'],
    ]),
    subcharts,
    templatePrefix: prefix,
    problems: [],
  };
}

export function output(chunks: Chunk[]): string {
  return chunks.map((chunk) => chunk.text ?? UNKNOWN).join('');
}

/** Renders `text` as demo/templates/t.yaml with these values; the output text, or `ERROR: …` when Helm would fail. */
export function render(
  text: string,
  values: Record<string, unknown> = {},
  options: RenderOptions = {},
  extra: Record<string, string> = {},
): string {
  const result = new ChartRenderer(chartOf({ 't.yaml': text, ...extra }, values)).render(options);
  const rendered = result.templates.find((template) => template.file.name === 'demo/templates/t.yaml')!;
  return rendered.error !== undefined ? `ERROR: ${rendered.error}` : output(rendered.chunks);
}
