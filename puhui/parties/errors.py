"""Errors of registration, KYB/KYC, review and sign-in, in English and Chinese."""

from puhui.core.errors import ErrorCode

WEAK_PASSWORD = ErrorCode("WEAK_PASSWORD", 400, "The password is too weak: {problems}",
                          "密码强度不足：{problems}")
USERNAME_TAKEN = ErrorCode("USERNAME_TAKEN", 400, "The user name {username} is taken.",
                           "用户名 {username} 已被使用。")
ROLE_NOT_SELF_SERVICE = ErrorCode(
    "ROLE_NOT_SELF_SERVICE", 400,
    "Only borrowers and investors can register themselves; operators and regulators are "
    "created by an administrator.",
    "只有借款人和出借人可以自行注册；运营和监管账户由管理员创建。")
INVALID_USCC = ErrorCode(
    "INVALID_USCC", 400,
    "{value} is not a valid unified social credit code ({problem}).",
    "{value} 不是有效的统一社会信用代码（{problem}）。")
INVALID_RESIDENT_ID = ErrorCode(
    "INVALID_RESIDENT_ID", 400,
    "The resident ID number is not valid ({problem}).",
    "居民身份证号码无效（{problem}）。")
INVALID_PHONE = ErrorCode("INVALID_PHONE", 400,
                          "The mobile number must be 11 digits starting with 1.",
                          "手机号码必须是以 1 开头的 11 位数字。")
INVALID_BANK_ACCOUNT = ErrorCode("INVALID_BANK_ACCOUNT", 400,
                                 "The bank account number is not valid ({problem}).",
                                 "银行账号无效（{problem}）。")
INVALID_FIGURE = ErrorCode("INVALID_FIGURE", 400, "{field} {problem}.", "{field}{problem}。")
FOUNDED_IN_FUTURE = ErrorCode("FOUNDED_IN_FUTURE", 400,
                              "The founding date cannot be in the future.",
                              "成立日期不能晚于今天。")
ENTERPRISE_ALREADY_REGISTERED = ErrorCode(
    "ENTERPRISE_ALREADY_REGISTERED", 400,
    "An enterprise with this unified social credit code is already registered.",
    "该统一社会信用代码的企业已经注册。")
INVESTOR_ALREADY_REGISTERED = ErrorCode(
    "INVESTOR_ALREADY_REGISTERED", 400,
    "An investor with this identity is already registered.",
    "该身份的出借人已经注册。")
UNDERAGE = ErrorCode("UNDERAGE", 400,
                     "Investors must be at least {minimum} years old (rule {rule_id}).",
                     "出借人必须年满 {minimum} 周岁（规则 {rule_id}）。")
QUESTIONNAIRE_INCOMPLETE = ErrorCode(
    "QUESTIONNAIRE_INCOMPLETE", 400,
    "Answer every question of the risk questionnaire with one of its options: {questions}.",
    "请用给定选项回答风险问卷的每一道题：{questions}。")
WRONG_ROLE = ErrorCode("WRONG_ROLE", 403, "Only a {role} can do this.",
                      "只有{role}可以执行此操作。")
REVIEW_NOT_IN_STATE = ErrorCode(
    "REVIEW_NOT_IN_STATE", 409,
    "This application is {status}; it cannot be {action} now.",
    "该申请当前状态为 {status}，现在不能{action}。")
SAME_OPERATOR_CANNOT_APPROVE = ErrorCode(
    "SAME_OPERATOR_CANNOT_APPROVE", 403,
    "The operator who reviewed an application cannot also approve or reject it.",
    "审核该申请的运营人员不能同时批准或拒绝它。")
REASONS_REQUIRED = ErrorCode("REASONS_REQUIRED", 400,
                             "Give the reasons for a rejection; the applicant will see them.",
                             "拒绝时必须填写理由，申请人会看到这些理由。")
UPLOAD_TOO_LARGE = ErrorCode("UPLOAD_TOO_LARGE", 400,
                             "The file is larger than {limit_mb} MB.", "文件超过 {limit_mb} MB。")
UPLOAD_TYPE_REFUSED = ErrorCode("UPLOAD_TYPE_REFUSED", 400,
                                "Upload a PDF, PNG or JPEG file.", "请上传 PDF、PNG 或 JPEG 文件。")
LOGIN_LOCKED = ErrorCode(
    "LOGIN_LOCKED", 429,
    "Too many failed sign-ins for this user name; try again in {minutes} minutes.",
    "该用户名登录失败次数过多，请 {minutes} 分钟后再试。")
BAD_CREDENTIALS = ErrorCode("BAD_CREDENTIALS", 401,
                            "Your user name and password did not match. Please try again.",
                            "用户名与密码不匹配，请重试。")
TOTP_INVALID = ErrorCode("TOTP_INVALID", 401,
                         "The six-digit code is wrong or has been used; try the current one.",
                         "六位验证码错误或已使用，请输入当前的验证码。")
UNKNOWN_DUTY = ErrorCode("UNKNOWN_DUTY", 400, "Unknown operator duties: {duties}.",
                        "未知的运营职责：{duties}。")
MISSING_DUTY = ErrorCode("MISSING_DUTY", 403, "This needs the {duty} duty, which you do not hold.",
                         "此操作需要“{duty}”职责，您没有该职责。")
