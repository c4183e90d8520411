import type { Lang } from './i18n.js';

/**
 * What a person reads for each catalogued error the login UI can show, keyed by the error code
 * (the catalog's own messages are written for API callers). A test checks that every code the
 * login API can answer with (apps/server/src/flows/login-ui/displayable-errors.ts) is here in all
 * four languages. Unknown codes fall back to the server's message, then to `internal.error`.
 */
type T = Record<Lang, string>;
export const ERROR_TEXT: Record<string, T> = {
  'auth.invalid_credentials': { en: 'The account or password is incorrect.', 'zh-CN': '账号或密码错误。', 'zh-TW': '帳號或密碼錯誤。', ja: 'アカウントまたはパスワードが正しくありません。' },
  'user.not_found': { en: 'No account was found for this.', 'zh-CN': '未找到该账号。', 'zh-TW': '找不到此帳號。', ja: 'アカウントが見つかりません。' },
  'user.wrong_password': { en: 'The password is incorrect.', 'zh-CN': '密码错误。', 'zh-TW': '密碼錯誤。', ja: 'パスワードが正しくありません。' },
  'user.locked': { en: 'This account is locked for a while after too many failed attempts. Try again later or reset your password.', 'zh-CN': '失败次数过多，账号已被暂时锁定。请稍后重试或重置密码。', 'zh-TW': '失敗次數過多，帳號已暫時鎖定。請稍後再試或重設密碼。', ja: '失敗が多すぎるため、アカウントは一時的にロックされています。しばらくしてから再試行するか、パスワードを再設定してください。' },
  'user.disabled': { en: 'This account is disabled. Contact the administrator.', 'zh-CN': '该账号已被停用，请联系管理员。', 'zh-TW': '此帳號已停用，請聯絡管理員。', ja: 'このアカウントは無効です。管理者に連絡してください。' },
  'user.already_exists': { en: 'An account with this already exists. Sign in instead.', 'zh-CN': '该账号已存在，请直接登录。', 'zh-TW': '此帳號已存在，請直接登入。', ja: 'このアカウントは既に存在します。ログインしてください。' },
  'user.invalid_password': { en: 'This password is not accepted: {reason}', 'zh-CN': '密码不符合要求：{reason}', 'zh-TW': '密碼不符合要求：{reason}', ja: 'このパスワードは使用できません：{reason}' },
  'auth.captcha_required': { en: 'Too many failed attempts. Enter the characters shown in the image.', 'zh-CN': '失败次数过多，请输入图片中的字符。', 'zh-TW': '失敗次數過多，請輸入圖片中的字元。', ja: '失敗が多すぎます。画像の文字を入力してください。' },
  'auth.captcha_invalid': { en: 'The characters did not match the image. Try the new image.', 'zh-CN': '图片验证码不正确，请输入新图片中的字符。', 'zh-TW': '圖片驗證碼不正確，請輸入新圖片中的字元。', ja: '画像の文字が一致しません。新しい画像で再試行してください。' },
  'auth.too_many_attempts': { en: 'Too many attempts from this network. Try again later.', 'zh-CN': '此网络的尝试次数过多，请稍后重试。', 'zh-TW': '此網路的嘗試次數過多，請稍後再試。', ja: 'このネットワークからの試行が多すぎます。しばらくしてから再試行してください。' },
  'auth.registration_disabled': { en: 'New accounts cannot be created for this application.', 'zh-CN': '该应用暂不开放注册。', 'zh-TW': '此應用程式暫不開放註冊。', ja: 'このアプリケーションでは新しいアカウントを作成できません。' },
  'auth.registration_not_allowed': { en: 'This account may not register here.', 'zh-CN': '该账号不允许在此注册。', 'zh-TW': '此帳號不允許在此註冊。', ja: 'このアカウントはここで登録できません。' },
  'auth.payload_required': { en: 'Enter your account and password.', 'zh-CN': '请输入账号和密码。', 'zh-TW': '請輸入帳號和密碼。', ja: 'アカウントとパスワードを入力してください。' },
  'auth.method_disabled': { en: 'This way of signing in is not enabled for this application.', 'zh-CN': '该应用未开启此登录方式。', 'zh-TW': '此應用程式未開啟此登入方式。', ja: 'このログイン方法はこのアプリケーションで有効になっていません。' },
  'auth.password_reset_token_invalid': { en: 'This reset has expired. Start again.', 'zh-CN': '重置已过期，请重新开始。', 'zh-TW': '重設已過期，請重新開始。', ja: '再設定の有効期限が切れました。最初からやり直してください。' },
  'auth.password_reuse': { en: 'You used this password recently. Choose another.', 'zh-CN': '该密码最近使用过，请换一个。', 'zh-TW': '此密碼最近使用過，請換一個。', ja: 'このパスワードは最近使用されました。別のものを選んでください。' },
  'passcode.invalid': { en: 'The code is wrong or has expired.', 'zh-CN': '验证码错误或已过期。', 'zh-TW': '驗證碼錯誤或已過期。', ja: 'コードが正しくないか、有効期限が切れています。' },
  'passcode.burned': { en: 'Too many wrong codes. Request a new code.', 'zh-CN': '验证码错误次数过多，请重新获取。', 'zh-TW': '驗證碼錯誤次數過多，請重新取得。', ja: '誤ったコードが多すぎます。新しいコードを請求してください。' },
  'passcode.send_limited': { en: 'Too many codes requested. Try again in {retryAfter} seconds.', 'zh-CN': '验证码发送过于频繁，请 {retryAfter} 秒后重试。', 'zh-TW': '驗證碼傳送過於頻繁，請 {retryAfter} 秒後再試。', ja: 'コードの請求が多すぎます。{retryAfter} 秒後に再試行してください。' },
  'passcode.delivery_failed': { en: 'The code could not be sent right now. Try again in a moment.', 'zh-CN': '验证码暂时无法发送，请稍后重试。', 'zh-TW': '驗證碼暫時無法傳送，請稍後再試。', ja: '現在コードを送信できません。しばらくしてから再試行してください。' },
  'passcode.provider_not_configured': { en: 'Codes cannot be sent right now. Use another way to sign in.', 'zh-CN': '暂时无法发送验证码，请使用其他方式登录。', 'zh-TW': '暫時無法傳送驗證碼，請使用其他方式登入。', ja: '現在コードを送信できません。別の方法でログインしてください。' },
  'passcode.invalid_recipient': { en: 'Enter a valid phone number or email address.', 'zh-CN': '请输入有效的手机号或邮箱。', 'zh-TW': '請輸入有效的手機號碼或電子郵件。', ja: '有効な電話番号またはメールアドレスを入力してください。' },
  'passcode.phone_not_allowed': { en: 'This phone number cannot be used here.', 'zh-CN': '该手机号不能在此使用。', 'zh-TW': '此手機號碼不能在此使用。', ja: 'この電話番号はここでは使用できません。' },
  'passcode.captcha_required': { en: 'Enter the characters shown in the image, then send the code again.', 'zh-CN': '请输入图片中的字符，然后重新发送验证码。', 'zh-TW': '請輸入圖片中的字元，然後重新傳送驗證碼。', ja: '画像の文字を入力してから、もう一度コードを送信してください。' },
  'passcode.payload_required': { en: 'Enter the verification code.', 'zh-CN': '请输入验证码。', 'zh-TW': '請輸入驗證碼。', ja: '確認コードを入力してください。' },
  'qrcode.expired': { en: 'The QR code has expired. Show a new one.', 'zh-CN': '二维码已过期，请刷新。', 'zh-TW': 'QR 碼已過期，請重新整理。', ja: 'QR コードの有効期限が切れました。新しいコードを表示してください。' },
  'qrcode.not_found': { en: 'The QR code is no longer valid. Show a new one.', 'zh-CN': '二维码已失效，请刷新。', 'zh-TW': 'QR 碼已失效，請重新整理。', ja: 'QR コードは無効です。新しいコードを表示してください。' },
  'qrcode.ticket_invalid': { en: 'This QR sign-in was already used. Show a new code.', 'zh-CN': '该扫码登录已被使用，请刷新二维码。', 'zh-TW': '此掃碼登入已被使用，請重新整理 QR 碼。', ja: 'この QR ログインは既に使用されています。新しいコードを表示してください。' },
  'flow.invalid': { en: 'This sign-in has expired. Start again.', 'zh-CN': '登录已过期，请重新开始。', 'zh-TW': '登入已過期，請重新開始。', ja: 'このログインは有効期限が切れました。最初からやり直してください。' },
  'flow.step_mismatch': { en: 'This step is no longer current. Start again.', 'zh-CN': '该步骤已失效，请重新开始。', 'zh-TW': '此步驟已失效，請重新開始。', ja: 'この手順は無効です。最初からやり直してください。' },
  'flow.binding_mismatch': { en: 'This sign-in belongs to another application. Start again.', 'zh-CN': '该登录属于其他应用，请重新开始。', 'zh-TW': '此登入屬於其他應用程式，請重新開始。', ja: 'このログインは別のアプリケーションのものです。最初からやり直してください。' },
  'flow.step_required': { en: 'One more step is needed to finish signing in.', 'zh-CN': '还需完成一个步骤才能登录。', 'zh-TW': '還需完成一個步驟才能登入。', ja: 'ログインを完了するにはもう一つの手順が必要です。' },
  'login.flow_invalid': { en: 'This page has expired. Start again.', 'zh-CN': '页面已过期，请重新开始。', 'zh-TW': '頁面已過期，請重新開始。', ja: 'このページの有効期限が切れました。最初からやり直してください。' },
  'login.csrf_invalid': { en: 'This page has expired. Start again.', 'zh-CN': '页面已过期，请重新开始。', 'zh-TW': '頁面已過期，請重新開始。', ja: 'このページの有効期限が切れました。最初からやり直してください。' },
  'login.origin_not_allowed': { en: 'This website may not sign in to this application.', 'zh-CN': '该网站不允许登录此应用。', 'zh-TW': '此網站不允許登入此應用程式。', ja: 'このウェブサイトはこのアプリケーションにログインできません。' },
  'login.agreement_required': { en: 'Please read and accept the agreements to continue.', 'zh-CN': '请阅读并同意相关协议后继续。', 'zh-TW': '請閱讀並同意相關協議後繼續。', ja: '続けるには規約を読んで同意してください。' },
  'login.app_required': { en: 'This page does not name an application.', 'zh-CN': '此页面未指定应用。', 'zh-TW': '此頁面未指定應用程式。', ja: 'このページはアプリケーションを指定していません。' },
  'login.interaction_mismatch': { en: 'This page belongs to another sign-in. Start again.', 'zh-CN': '此页面属于另一个登录，请重新开始。', 'zh-TW': '此頁面屬於另一個登入，請重新開始。', ja: 'このページは別のログインのものです。最初からやり直してください。' },
  'login.not_finished': { en: 'Signing in is not finished yet.', 'zh-CN': '登录尚未完成。', 'zh-TW': '登入尚未完成。', ja: 'ログインはまだ完了していません。' },
  'login.password_mismatch': { en: 'The two passwords do not match.', 'zh-CN': '两次输入的密码不一致。', 'zh-TW': '兩次輸入的密碼不一致。', ja: '2 つのパスワードが一致しません。' },
  'application.not_found': { en: 'This application does not exist.', 'zh-CN': '应用不存在。', 'zh-TW': '應用程式不存在。', ja: 'このアプリケーションは存在しません。' },
  'request.invalid_input': { en: 'Please check what you entered and try again.', 'zh-CN': '请检查输入的内容后重试。', 'zh-TW': '請檢查輸入的內容後再試。', ja: '入力内容を確認して、もう一度お試しください。' },
  'directory.unavailable': { en: 'The company directory cannot be reached right now. Try again in a moment.', 'zh-CN': '企业目录暂时无法访问，请稍后重试。', 'zh-TW': '企業目錄暫時無法連線，請稍後再試。', ja: '社内ディレクトリに現在接続できません。しばらくしてから再試行してください。' },
  'directory.not_configured': { en: 'Directory sign-in is not set up for this application.', 'zh-CN': '此应用未配置目录登录。', 'zh-TW': '此應用程式未設定目錄登入。', ja: 'このアプリケーションではディレクトリ サインインが設定されていません。' },
  'internal.unavailable': { en: 'The service is temporarily unavailable. Try again in a moment.', 'zh-CN': '服务暂时不可用，请稍后重试。', 'zh-TW': '服務暫時無法使用，請稍後再試。', ja: 'サービスは一時的に利用できません。しばらくしてから再試行してください。' },
  'internal.error': { en: 'Something went wrong on our side. Try again.', 'zh-CN': '服务出现问题，请重试。', 'zh-TW': '服務發生問題，請再試一次。', ja: 'サーバーで問題が発生しました。もう一度お試しください。' },
  network: { en: 'The server could not be reached. Check your connection and try again.', 'zh-CN': '无法连接服务器，请检查网络后重试。', 'zh-TW': '無法連線到伺服器，請檢查網路後再試。', ja: 'サーバーに接続できません。接続を確認して再試行してください。' },
};
