/**
 * The maintained list of model and vendor words the identity-leak scan looks for (scan.ts), with
 * the context rules that keep clinical text from being flagged (docs/integrity.md). A word is
 * matched case-insensitively with separators free ("Med Gemma", "med-gemma" and "MedGemma" are one
 * word), starting at a word boundary and ending at one or at a version ("GPT4o", "Qwen2.5").
 *
 * A word that is also ordinary clinical or everyday English is `ambiguous`: it is flagged only with
 * evidence that it names a model. Strong evidence (any one suffices): a version after it, one of
 * its `variants` after it, a self-description around it ("I'm Claude", "Claude here", "as
 * Gemini,"), or its `exactCase` spelling ("LLaMA"). Weak evidence: AI vocabulary within the same
 * stretch of text (AI_CONTEXT), which the entry's `against` vocabulary in that stretch cancels
 * (a lab report for GPT, a farm for llama, the weather for mistral).
 */
export type WordKind = 'model' | 'vendor';

export interface Ambiguity {
  /** The other sense, for the docs and the tests. */
  sense: string;
  /** Words that, right after it, make it a model name ("Claude Opus", "Mistral Large"). */
  variants?: readonly string[];
  /** The versions that count; default: any number-like token ("3", "3.1", "70b", "2.5"). */
  versions?: RegExp;
  /** A spelling that only the model uses, matched case-sensitively. */
  exactCase?: string;
  /** Vocabulary of the other sense; cancels weak (AI-context) evidence nearby. */
  against?: RegExp;
}

export interface ModelWord {
  word: string;
  kind: WordKind;
  ambiguous?: Ambiguity;
}

const CAMELID =
  /\b(?:camelids?|cria|herds?|farm|veterinar\w*|livestock|pastures?|fleece|wool|alpacas?|llamas?|animals?|ranch)\b/i;

/**
 * GPT is also glutamate-pyruvate transaminase (ALT), written in lab results: "GPT 88 U/L",
 * "ALT (GPT)", "SGPT" (never matched: a word must start at a word boundary). Only the model's
 * version numbers count as versions, attached by a hyphen or nothing ("GPT-4o", "GPT4",
 * "GPT-3.5-turbo") or after a space when they cannot be a lab value ("GPT 4o", "GPT 3.5").
 */
const GPT_VERSIONS =
  /^(?:-?(?:2|3|3\.5|4|4o|4\.1|4\.5|5|5\.1|oss|j)|\s(?:3\.5|4o|4\.1|4\.5|oss))(?![\w.])/i;
const LAB =
  /\b(?:ALT|AST|SGPT|SGOT|GOT|transaminases?|aminotransferases?|U\/L|IU\/L|IU|liver|enzymes?|LFTs?|hepat\w*|bilirubin|serum|ULN)\b/i;

export const MODEL_WORDS: readonly ModelWord[] = [
  // models, unambiguous
  { word: 'ChatGPT', kind: 'model' },
  { word: 'BioGPT', kind: 'model' },
  { word: 'MedGemma', kind: 'model' },
  { word: 'Med-PaLM', kind: 'model' },
  { word: 'Qwen', kind: 'model' },
  { word: 'QwQ', kind: 'model' },
  { word: 'DeepSeek', kind: 'model' },
  { word: 'Mixtral', kind: 'model' },
  { word: 'BioMistral', kind: 'model' },
  { word: 'Meditron', kind: 'model' },
  { word: 'Nemotron', kind: 'model' },
  { word: 'Baichuan', kind: 'model' },
  // models, ambiguous in clinical or everyday text
  {
    word: 'GPT',
    kind: 'model',
    ambiguous: {
      sense: 'glutamate-pyruvate transaminase (ALT)',
      versions: GPT_VERSIONS,
      against: LAB,
    },
  },
  {
    word: 'Claude',
    kind: 'model',
    ambiguous: {
      sense: "a person's name (a patient; Claude Bernard)",
      variants: ['opus', 'sonnet', 'haiku', 'instant'],
      against:
        /\b(?:Bernard|Mr|Mrs|Monsieur|patient|son|daughter|husband|wife|brother|sister|he|she|his|her|years? old)\b/i,
    },
  },
  {
    word: 'Gemini',
    kind: 'model',
    ambiguous: {
      sense: 'the zodiac sign; gemini of coiled bodies (gems); the space programme',
      variants: ['pro', 'ultra', 'flash', 'nano', 'advanced'],
      against:
        /\b(?:zodiac|horoscope|astrolog\w*|coiled|Cajal|SMN|nuclear|bodies|gems|born|sign)\b/i,
    },
  },
  {
    word: 'Gemma',
    kind: 'model',
    ambiguous: {
      sense: "a person's name",
      variants: ['it'],
      against: /\b(?:Mrs|Ms|Miss|patient|she|her|years? old|daughter|mother)\b/i,
    },
  },
  {
    word: 'Llama',
    kind: 'model',
    ambiguous: {
      sense: 'the animal (a veterinary case)',
      variants: ['instruct', 'chat', 'guard'],
      exactCase: 'LLaMA',
      against: CAMELID,
    },
  },
  { word: 'Alpaca', kind: 'model', ambiguous: { sense: 'the animal', against: CAMELID } },
  { word: 'Vicuna', kind: 'model', ambiguous: { sense: 'the animal', against: CAMELID } },
  {
    word: 'Mistral',
    kind: 'model',
    ambiguous: {
      sense: 'the cold northerly wind of southern France',
      variants: ['large', 'medium', 'small', 'instruct', 'nemo', 'saba'],
      against:
        /\b(?:winds?|gusts?|weather|Provence|Rh[oô]ne|northerly|cold|blow\w*|Marseille|sailing|hik\w*)\b/i,
    },
  },
  {
    word: 'Falcon',
    kind: 'model',
    ambiguous: {
      sense: 'the bird (psittacosis, falconers)',
      against: /\b(?:birds?|falconer\w*|falconry|avian|psittac\w*|raptors?|feathers?)\b/i,
    },
  },
  {
    word: 'PaLM',
    kind: 'model',
    ambiguous: {
      sense: 'the palm of the hand',
      exactCase: 'PaLM',
      against: /\b(?:hands?|palmar|fingers?|wrist|skin|rash|erythema)\b/i,
    },
  },
  {
    word: 'Phi',
    kind: 'model',
    ambiguous: { sense: 'the Greek letter', versions: /^-(?:1|1\.5|2|3|3\.5|4)(?![\w.])/ },
  },
  { word: 'Bard', kind: 'model', ambiguous: { sense: 'a poet; a surname' } },
  { word: 'Grok', kind: 'model', ambiguous: { sense: 'the verb (to understand)' } },
  {
    word: 'Copilot',
    kind: 'model',
    ambiguous: {
      sense: 'a co-pilot (aviation medicine)',
      against: /\b(?:pilots?|flight|aircraft|cockpit|aviation)\b/i,
    },
  },
  // vendors
  { word: 'OpenAI', kind: 'vendor' },
  { word: 'Anthropic', kind: 'vendor' },
  { word: 'Google DeepMind', kind: 'vendor' },
  { word: 'DeepMind', kind: 'vendor' },
  { word: 'Meta AI', kind: 'vendor' },
  { word: 'Mistral AI', kind: 'vendor' },
  { word: 'Alibaba', kind: 'vendor' },
  { word: 'Microsoft', kind: 'vendor' },
  { word: 'xAI', kind: 'vendor' },
  { word: 'Hugging Face', kind: 'vendor' },
  { word: 'Cohere', kind: 'vendor', ambiguous: { sense: 'the verb (findings cohere)' } },
  {
    word: 'Google',
    kind: 'vendor',
    ambiguous: { sense: 'the search engine ("googled her symptoms")' },
  },
];

/**
 * Weak evidence that an ambiguous word names a model: AI vocabulary nearby. Not a bare "AI",
 * which in cardiology is aortic insufficiency ("moderate AI"), nor "model", "trained", "prompt"
 * or "fine-tuned", which clinical text uses of risk models, trained staff, prompt referral and
 * fine-tuned doses.
 */
export const AI_CONTEXT =
  /\b(?:LLMs?|chatbots?|(?:large )?language models?|AI (?:models?|assistants?|systems?|chatbots?|tools?|developed|language)|artificial intelligence|generative AI|OpenAI|Anthropic|DeepMind|Hugging Face|neural networks?)\b/i;

/**
 * Self-descriptions that name no model but say the text was written by one: a leak of style
 * between two systems when only one writes them. Each is specific enough not to occur in clinical
 * reasoning ("as an AI" must be followed by what an AI is, since "AI" may be aortic insufficiency).
 */
export const SELF_DESCRIPTIONS: ReadonlyArray<{ label: string; pattern: RegExp }> = [
  {
    label: 'as an AI',
    pattern:
      /\bas an? (?:AI|artificial intelligence)(?=\s*,|\s+(?:language model|model|assistant|system|developed|created|trained|built|made|chatbot|I\b))/gi,
  },
  {
    label: "I'm an AI",
    pattern:
      /\bI(?:['’]m| am) (?:just )?an? (?:AI|artificial intelligence|(?:large )?language model|LLM|chatbot|virtual assistant|AI assistant)\b/gi,
  },
  { label: 'as a language model', pattern: /\bas an? (?:large )?language model\b/gi },
  {
    label: 'AI developed by',
    pattern:
      /\b(?:AI|artificial intelligence|(?:large )?language model|LLM|chatbot|assistant)(?: model| assistant| system)? (?:developed|created|trained|built|made) by\b/gi,
  },
  {
    label: 'developed by a vendor',
    pattern:
      /\b(?:developed|created|trained|built|made) by (?:OpenAI|Anthropic|Google|DeepMind|Meta|Mistral AI|Alibaba|Microsoft|DeepSeek|xAI)\b/gi,
  },
  {
    label: 'my training data',
    pattern: /\bmy (?:training data|knowledge cut-?off|training cut-?off)\b/gi,
  },
];

/**
 * System names that are one common word are not scanned: "base" or "control" would flag every
 * "base of the lung". The scan reports them as skipped so the admin knows.
 */
export const COMMON_SYSTEM_NAMES: ReadonlySet<string> = new Set([
  'a',
  'b',
  'base',
  'baseline',
  'candidate',
  'control',
  'default',
  'experiment',
  'model',
  'new',
  'old',
  'ours',
  'reference',
  'system',
  'test',
  'treatment',
]);
