import { mulberry32, syntheticChart, syntheticMicrograph, syntheticRadiograph } from './images.ts';

export interface DemoItem {
  id: string;
  question: string;
  reference: string;
  modality: string;
  image: Buffer;
  outputs: { base: { trace: string; answer: string }; sft: { trace: string; answer: string } };
  gold: boolean;
}

const SIDES = ['left', 'right'] as const;
const LOBES = ['upper', 'middle', 'lower'] as const;

/**
 * ~60 medical-VQA-like items with locally generated images. The base system answers briefly and
 * is wrong about a third of the time; the fine-tuned system reasons step by step from what the
 * image shows. Two items are gold: the base answer is plainly wrong there.
 */
export function demoItems(count = 60): DemoItem[] {
  const rand = mulberry32(20261125);
  const out: DemoItem[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const id = `demo-${String(i + 1).padStart(3, '0')}`;
    const gold = i === 4 || i === 31;
    const baseWrong = gold || rand() < 0.33;
    if (kind === 0) out.push(radiograph(id, i, rand, baseWrong, gold));
    else if (kind === 1) out.push(micrograph(id, i, rand, baseWrong, gold));
    else out.push(chart(id, i, rand, baseWrong, gold));
  }
  return out;
}

function radiograph(
  id: string,
  i: number,
  rand: () => number,
  baseWrong: boolean,
  gold: boolean,
): DemoItem {
  const present = rand() < 0.6;
  const side = SIDES[Math.floor(rand() * 2)]!;
  const lobe = LOBES[Math.floor(rand() * 3)]!;
  const x = side === 'right' ? 85 : 171; // radiological convention: patient's right on the viewer's left
  const y = lobe === 'upper' ? 95 : lobe === 'middle' ? 130 : 170;
  const image = syntheticRadiograph(1000 + i, present ? { x, y, r: 9 + rand() * 6 } : null);
  const truth = present
    ? `Yes: a rounded opacity in the ${side} ${lobe} zone.`
    : 'No focal opacity is seen.';
  const wrong = present
    ? 'No focal opacity is seen.'
    : `Yes: an opacity in the ${side} ${lobe} zone.`;
  return {
    id,
    modality: 'radiology',
    question: 'Frontal chest radiograph. Is there a focal pulmonary opacity, and if so, where?',
    reference: truth,
    image,
    gold,
    outputs: {
      base: {
        trace: baseWrong
          ? 'The lungs look clear. Heart size is normal.'
          : `There is something in the ${present ? side : ''} lung.`,
        answer: baseWrong ? wrong : truth,
      },
      sft: {
        trace: [
          "**Perception.** Frontal projection, adequate inspiration; the patient's right is on the viewer's left.",
          present
            ? `A well-circumscribed rounded density (about ${Math.round(2 + rand() * 2)} cm) projects over the **${side} ${lobe} zone**; it does not silhouette the heart border or diaphragm.`
            : 'Both lung fields are symmetric in density; no rounded or consolidative opacity; costophrenic angles are sharp.',
          '**Knowledge.** A solitary pulmonary nodule on a radiograph warrants comparison with prior imaging and, if new, CT characterisation (Fleischner criteria apply to CT-detected nodules).',
          `**Rationale.** ${present ? 'The focal density persists across the rib interspaces, so it is parenchymal rather than a rib overlap.' : 'Without a focal density or volume loss there is no radiographic evidence of a nodule or consolidation.'}`,
        ].join('\n\n'),
        answer: truth,
      },
    },
  };
}

function micrograph(
  id: string,
  i: number,
  rand: () => number,
  baseWrong: boolean,
  gold: boolean,
): DemoItem {
  const atypia = rand() < 0.5;
  const image = syntheticMicrograph(2000 + i, atypia);
  const truth = atypia
    ? 'Yes: enlarged, crowded, hyperchromatic nuclei.'
    : 'No: small, evenly spaced nuclei.';
  const wrong = atypia ? 'No: the nuclei look normal.' : 'Yes: there is marked atypia.';
  return {
    id,
    modality: 'pathology',
    question: 'H&E-stained section. Does this field show nuclear atypia?',
    reference: truth,
    image,
    gold,
    outputs: {
      base: {
        trace: baseWrong ? 'Cells are visible in pink tissue.' : 'The nuclei are purple.',
        answer: baseWrong ? wrong : truth,
      },
      sft: {
        trace: [
          `**Perception.** Eosinophilic stroma with ${atypia ? 'numerous large, irregular, darkly staining nuclei that crowd and overlap' : 'sparse, small, round nuclei evenly spaced'}.`,
          '**Knowledge.** Nuclear atypia is judged by enlargement (nuclear–cytoplasmic ratio), hyperchromasia, pleomorphism and loss of polarity.',
          `**Rationale.** ${atypia ? 'Enlargement plus hyperchromasia and crowding together meet the criteria' : 'None of the criteria is met: size and staining are uniform'}, so the answer follows. Formally, the area fraction of nuclei is $A_n/A \\approx ${atypia ? '0.3' : '0.05'}$.`,
        ].join('\n\n'),
        answer: truth,
      },
    },
  };
}

function chart(
  id: string,
  i: number,
  rand: () => number,
  baseWrong: boolean,
  gold: boolean,
): DemoItem {
  const values = Array.from({ length: 5 }, () => 0.2 + rand() * 0.7);
  const highest = values.indexOf(Math.max(...values)) + 1;
  const above = values.filter((v) => v > 0.6).length;
  const image = syntheticChart(3000 + i, values);
  const truth = `${above} of 5 measurements exceed the upper limit of normal; the highest is day ${highest}.`;
  const wrongAbove = (above + 2) % 6;
  return {
    id,
    modality: 'chart',
    question:
      'Serial ALT measurements (red line: upper limit of normal). How many exceed the limit, and which day is highest?',
    reference: truth,
    image,
    gold,
    outputs: {
      base: {
        trace: baseWrong ? 'Most values are high.' : `Day ${highest} is the highest.`,
        answer: baseWrong ? `${wrongAbove} of 5 exceed the limit; the highest is day 1.` : truth,
      },
      sft: {
        trace: [
          `**Perception.** Five bars (days 1–5); the dashed red reference line sits at 60% of the axis. Bars above it: ${
            values
              .map((v, k) => (v > 0.6 ? `day ${k + 1}` : null))
              .filter(Boolean)
              .join(', ') || 'none'
          }.`,
          '**Knowledge.** ALT above the upper limit of normal suggests hepatocellular injury; the trend matters more than one value.',
          `**Rationale.** Counting bars above the line gives ${above}; the tallest bar is day ${highest}.`,
        ].join('\n\n'),
        answer: truth,
      },
    },
  };
}
