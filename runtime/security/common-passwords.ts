/**
 * Passwords of 12+ characters that appear in public breach lists; refused at sign-up
 * (ASVS 2.1.7). Lower case: the check is case-insensitive.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789123', '1q2w3e4r5t6y',
  'qwertyuiopas', 'qwertyuiop123', 'qwerty123456', 'password1234', 'password12345',
  'password123456', 'passwordpassword', 'iloveyou1234', 'administrator', 'administrator1',
  'adminadminadmin', 'welcome12345', 'welcome123456', 'letmein12345', 'changeme1234',
  'changemenow1', 'abcdefghijkl', 'abcdefghijklm', 'abc123456789', 'aaaaaaaaaaaa',
  '111111111111', '000000000000', '987654321098', 'passw0rd1234', 'p@ssw0rd1234',
  'p@ssword1234', 'football1234', 'baseball1234', 'superman1234', 'sunshine1234',
  'princess1234', 'trustno11234', 'qazwsxedcrfv', '1qaz2wsx3edc', 'zaq12wsxcde3',
  'monkey123456', 'dragon123456', 'master123456', 'starwars1234', 'whatever1234',
  'mustang12345', 'michael12345', 'shadow123456', 'jennifer1234', 'computer1234',
  'internet1234', 'corvette1234', 'qwertyqwerty', 'asdfghjkl123', 'zxcvbnm12345',
  'strata123456', 'stratacrm123', 'crmpassword1', 'correcthorsebatterystaple',
]);
