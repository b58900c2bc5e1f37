"""Credit errors, with stable codes, in English and Chinese."""

from puhui.core.errors import ErrorCode

MODEL_KIND_UNKNOWN = ErrorCode("MODEL_KIND_UNKNOWN", 400,
                               "{kind} is not a model kind; choose scorecard or challenger.",
                               "{kind} 不是模型类型；请选择评分卡或挑战者模型。")
MODEL_NEEDS_COLUMNS = ErrorCode(
    "MODEL_NEEDS_COLUMNS", 400,
    "This model needs columns puhui cannot supply for an application: {columns}.",
    "该模型需要平台无法为借款申请提供的字段：{columns}。")
FLAG_EVIDENCE_REQUIRED = ErrorCode("FLAG_EVIDENCE_REQUIRED", 400,
                                   "Say what the flag rests on: evidence is required.",
                                   "请说明标记的依据：必须填写证据。")
