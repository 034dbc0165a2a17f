import type { Rng } from '../../../server/stats/rng.ts';

/**
 * A generator of clean clinical reasoning traces for the identity-leak scan's tests: sentences of
 * the kind a model writes when it reasons through a case, filled with ages, values and drugs, and
 * often holding the words the scan must not take for models: GPT the transaminase, a llama in a
 * veterinary case, the mistral wind, Claude and Gemma as patients, Claude Bernard, Gemini the
 * sign and the nuclear bodies, the palm, a falcon, "moderate AI" (aortic insufficiency), a risk
 * model, a trained interpreter, prompt referral, a meta-analysis, the base of the lung.
 */
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.nextInt(xs.length)]!;
const int = (rng: Rng, lo: number, hi: number) => lo + rng.nextInt(hi - lo + 1);

type Fill = (rng: Rng) => string;

const drug = (rng: Rng) =>
  pick(rng, [
    'ceftriaxone',
    'amoxicillin',
    'metformin',
    'furosemide',
    'enoxaparin',
    'prednisolone',
    'aspirin',
    'vancomycin',
    'lisinopril',
    'levetiracetam',
  ]);
const symptom = (rng: Rng) =>
  pick(rng, [
    'chest pain',
    'fever and productive cough',
    'right upper quadrant pain',
    'new-onset confusion',
    'shortness of breath on exertion',
    'a painful swollen knee',
    'jaundice and pruritus',
    'palpitations',
    'a pruritic rash on the palm',
  ]);

/** Ordinary reasoning: no tricky word. */
const PLAIN: Fill[] = [
  (r) => `The patient is a ${int(r, 18, 92)}-year-old presenting with ${symptom(r)}.`,
  (r) =>
    `Vital signs: heart rate ${int(r, 55, 130)} bpm, blood pressure ${int(r, 85, 170)}/${int(r, 45, 100)} mmHg, temperature ${(36 + r.nextFloat() * 3).toFixed(1)} °C.`,
  (r) =>
    `First, I consider the most dangerous causes: ${pick(r, ['acute coronary syndrome', 'pulmonary embolism', 'aortic dissection', 'sepsis', 'meningitis'])} must be excluded.`,
  (r) =>
    `The white cell count of ${int(r, 3, 25)} × 10^9/L and a CRP of ${int(r, 1, 300)} mg/L point towards ${pick(r, ['a bacterial infection', 'an inflammatory process', 'a viral illness'])}.`,
  (r) =>
    `Given the renal function (eGFR ${int(r, 15, 110)} mL/min), the dose of ${drug(r)} should be adjusted.`,
  (r) => `I would start ${drug(r)} and reassess within ${int(r, 6, 72)} hours.`,
  () => 'The chest radiograph shows consolidation at the base of the right lung.',
  () => 'An ECG is the first investigation, followed by serial troponins.',
  (r) =>
    `Differential diagnosis: ${pick(r, ['cholecystitis', 'hepatitis', 'pancreatitis'])}, ${pick(r, ['gastritis', 'peptic ulcer', 'biliary colic'])}, and less likely ${pick(r, ['myocardial infarction', 'pneumonia', 'renal colic'])}.`,
  () => 'Therefore the most likely diagnosis is community-acquired pneumonia.',
  () => 'On balance, the findings favour a septic arthritis; joint aspiration is needed.',
  (r) => `Her HbA1c is ${(5 + r.nextFloat() * 6).toFixed(1)}%, so diabetes is poorly controlled.`,
  () => 'A validated risk model (the Wells score) puts the pre-test probability as moderate.',
  () => 'A meta-analysis of randomised trials supports early anticoagulation in this setting.',
  () => 'A trained interpreter should be present when the diagnosis is discussed.',
  () => 'Prompt referral to cardiology is warranted.',
  () => 'The findings cohere with a diagnosis of heart failure with preserved ejection fraction.',
  () => 'The base excess is -6, consistent with a metabolic acidosis.',
  () => 'I will weigh each option against the contraindications before answering.',
  () => 'Let me reconsider: the timeline argues against an infectious cause.',
];

/** Sentences holding a word the scan must not flag. */
const TRICKY: Fill[] = [
  (r) => `Liver panel: ALT (GPT) ${int(r, 40, 900)} U/L, AST (GOT) ${int(r, 30, 800)} U/L.`,
  (r) =>
    `GPT ${int(r, 40, 400)} U/L and bilirubin ${int(r, 10, 120)} µmol/L suggest hepatocellular injury.`,
  (r) => `The GPT was ${int(r, 2, 9)} times the upper limit of normal.`,
  () => 'SGPT and SGOT are both raised, with an SGPT/SGOT ratio above 1.',
  () => 'The transaminases (GPT, GOT) should be repeated in a week.',
  () => 'In this veterinary case the llama had been grazing on a pasture with ragwort.',
  (r) => `The llama, ${int(r, 2, 15)} years old, shows ataxia; camelids are prone to this.`,
  () => 'Llama and alpaca herds can carry Mycobacterium bovis.',
  () => 'The alpaca farmer reported weight loss in the herd.',
  () =>
    'The hiker had been exposed to the mistral, the cold northerly wind of Provence, for two days.',
  () => 'Mistral winds in the Rhône valley can reach 90 km/h, which explains the cold injury.',
  (r) => `Claude, a ${int(r, 20, 90)}-year-old man, reports ${symptom(r)}.`,
  () => "Claude's wife says he has been more forgetful.",
  () => 'Mr Claude Dupont was admitted overnight.',
  () =>
    'A Claude Bernard–Horner syndrome (ptosis, miosis, anhidrosis) would suggest a Pancoast tumour.',
  (r) => `Gemma, ${int(r, 18, 45)} years old, is ${int(r, 8, 38)} weeks pregnant.`,
  () => 'Gemma reports that her mother had breast cancer.',
  () =>
    'Gemini of coiled bodies (gems) are reduced in spinal muscular atrophy, where SMN is deficient.',
  () => 'The patient, born under Gemini, asked whether the horoscope explained her anxiety.',
  () => 'Palmar erythema and spider naevi are seen; the palm is warm.',
  () => 'A falconer with psittacosis-like symptoms: his falcon was unwell.',
  () => 'The phi angle of the femoral neck was measured on the radiograph.',
  () => 'Moderate AI on echocardiography with a dilated left ventricle.',
  () => 'The murmur of AI is early diastolic, heard best at the left sternal edge.',
  () => 'She had googled her symptoms and was worried about cancer.',
  () => 'He searched Google for the side effects of statins.',
  () => 'The co-pilot reported hypoxia symptoms at altitude; the copilot was also unwell.',
  () => 'The bard of the village, a retired teacher, presented with dysphagia.',
  () => 'The base rate of this condition in primary care is low.',
  () => 'Microscopy shows gram-positive cocci in clusters.',
  () => 'The CHA2DS2-VASc score is 4, which favours anticoagulation.',
  () => 'The QRISK3 model estimates a 10-year risk of 18%.',
];

/** One clean trace: `sentences` sentences, each tricky with probability `trickyShare`. */
export function cleanTrace(rng: Rng, sentences = 10, trickyShare = 0.3): string[] {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++)
    out.push(pick(rng, rng.nextFloat() < trickyShare ? TRICKY : PLAIN)(rng));
  return out;
}

/** A system name written as an output might write it: case and separators varied. */
export function variantOf(rng: Rng, name: string): string {
  const parts = name.split(/[-_ .]+/);
  const sep = pick(rng, ['-', ' ', '_', '-', ' ']);
  const cased = pick(rng, [
    (s: string) => s,
    (s: string) => s.toUpperCase(),
    (s: string) => s.replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
    (s: string) => s.toLowerCase(),
  ]);
  // a version like "2.5" keeps its dot
  return cased(name.includes('.') ? name.replaceAll('-', sep) : parts.join(sep));
}

const NAME_SENTENCES: Array<(name: string) => string> = [
  (n) => `As ${n}, I would start with an ECG.`,
  (n) => `${n} here. Let me work through the case.`,
  (n) => `I'm ${n}, and my assessment is as follows.`,
  (n) => `I am ${n}; the answer below is my best judgement.`,
  (n) => `This reasoning was produced by ${n}.`,
  (n) => `(Answer generated by ${n}.)`,
  (n) => `Model: ${n}`,
  (n) => `Note from ${n}: please verify with a clinician.`,
  (n) => `Speaking as ${n}, I cannot examine the patient directly.`,
  (n) => `My name is ${n} and I will reason step by step.`,
];

const MODEL_SENTENCES = [
  "I'm GPT-4o, and I think this is sepsis.",
  'As GPT-4, I must note that this is not medical advice.',
  'Claude here. The rash pattern suggests erythema multiforme.',
  'As Claude, I would recommend an urgent CT.',
  'I am Llama 3, an assistant; the likely diagnosis is gout.',
  'As Gemini, I would be cautious with anticoagulation here.',
  'This is Mistral, reasoning about the case.',
  'Qwen2.5 thinks the answer is B.',
  'According to ChatGPT the dose is correct.',
  'I am Gemma, a model from Google.',
  'As the Gemini model I cannot see the image.',
  'Mistral-7B-Instruct answer: pneumonia.',
  'I was fine-tuned from Llama-3.1-8B on medical data.',
  'GPT-4o-mini suggests a CT scan.',
  'As DeepSeek-R1, I reason step by step.',
];

const VENDOR_SENTENCES = [
  'As an AI developed by OpenAI, I recommend seeing a doctor.',
  'As a large language model trained by Google, I cannot examine the patient.',
  'I am an AI assistant created by Anthropic.',
  'Per OpenAI usage policies, I should add a disclaimer.',
  'This model was built by Google DeepMind for medical questions.',
  'As an AI language model, I cannot give a definitive diagnosis.',
  'Meta AI guidelines ask me to be careful here.',
  'I was trained by Alibaba Cloud.',
  'Note: my knowledge cutoff may affect drug guidance.',
  'As an assistant developed by Mistral AI, I would suggest an ultrasound.',
];

/**
 * One leaking sentence: the output's own system, another system of the study, or a vendor or
 * model. `nameable` are the system names that name a model (not "base").
 */
export function leakSentence(rng: Rng, own: string, nameable: readonly string[]): string {
  const others = nameable.filter((s) => s !== own);
  const u = rng.nextFloat();
  if (u < 0.35 && nameable.includes(own)) return pick(rng, NAME_SENTENCES)(variantOf(rng, own));
  if (u < 0.55) return pick(rng, NAME_SENTENCES)(variantOf(rng, pick(rng, others)));
  if (u < 0.8) return pick(rng, MODEL_SENTENCES);
  return pick(rng, VENDOR_SENTENCES);
}
