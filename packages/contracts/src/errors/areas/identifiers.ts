import { defineErrors } from '../define.js';

/**
 * 211xxxx — the identifier profile (docs/security.md "Identifiers"): what a username, email,
 * phone or account may contain, and control characters anywhere in a request.
 */
export const identifierErrors = defineErrors({
  'identifier.control_characters': {
    apiCode: 2110001,
    status: 400,
    en: '{field} contains a control character (such as NUL, CR, LF or ESC), which is not accepted.',
    zh: '{field} 包含控制字符（如 NUL、CR、LF 或 ESC），不被接受。',
  },
  'identifier.invisible_characters': {
    apiCode: 2110002,
    status: 400,
    en: '{field} contains invisible or text-direction characters (zero-width characters, bidirectional overrides), which are not allowed in identifiers.',
    zh: '{field} 包含不可见字符或文字方向控制字符（零宽字符、双向覆盖字符），标识符中不允许使用。',
  },
  'identifier.blank': {
    apiCode: 2110003,
    status: 400,
    en: '{field} must not be empty or consist only of spaces.',
    zh: '{field} 不能为空或只包含空格。',
  },
  'identifier.mixed_script': {
    apiCode: 2110004,
    status: 400,
    en: '{field} mixes letters of different scripts ({scripts}), which can be mistaken for another name.',
    zh: '{field} 混用了不同文字体系的字母（{scripts}），容易与其他名称混淆。',
  },
  'identifier.confusable': {
    apiCode: 2110005,
    status: 400,
    en: '{field} consists only of letters that look like Latin letters but are not, which can be mistaken for another name.',
    zh: '{field} 只由外形与拉丁字母相同的其他文字字母组成，容易与其他名称混淆。',
  },
  'identifier.disallowed_characters': {
    apiCode: 2110006,
    status: 400,
    en: '{field} contains characters that are not allowed in identifiers (unassigned, private-use or unpaired surrogate code points).',
    zh: '{field} 包含标识符中不允许的字符（未分配、私用区或不成对的代理码点）。',
  },
});
