package ui

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/assets"
	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// sentencePackages build the sentences the UI shows through localize.
var sentencePackages = []string{"../signing", "../app/upload", "../app/bucket"}

// sentenceFormats finds every sentence format written in the source of
// sentencePackages: the literal first argument of message.New (and of the
// helpers that call it: fieldErr's third, Inspect's add, the page URL
// check's bad and a link's reason), and the sentences of keyWords.
func sentenceFormats(t *testing.T) map[string]string {
	t.Helper()
	formats := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range sentencePackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			add := func(e ast.Expr) {
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err == nil {
						formats[s] = fset.Position(lit.Pos()).String()
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						if pkg, ok := fn.X.(*ast.Ident); ok {
							name = pkg.Name + "." + fn.Sel.Name
						}
					}
					switch {
					case name == "message.New" && len(n.Args) > 0, (name == "add" || name == "bad" || name == "reason") && len(n.Args) > 0:
						add(n.Args[0])
					case name == "fieldErr" && len(n.Args) > 2:
						add(n.Args[2])
					}
				case *ast.CompositeLit:
					if id, ok := n.Type.(*ast.Ident); ok && id.Name == "keyWords" {
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								add(kv.Value)
							}
						}
					}
				}
				return true
			})
		}
	}
	return formats
}

// TestSentencesTranslated: every sentence signing and app give the UI has
// a Chinese translation with the same verbs, so the Chinese UI says what
// the English one says instead of a generic sentence for the kind of
// failure. Formats without words ("%s: %s") need none.
func TestSentencesTranslated(t *testing.T) {
	raw, err := assets.Translations.ReadFile("translations/zh-Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	var zh map[string]string
	if err := json.Unmarshal(raw, &zh); err != nil {
		t.Fatal(err)
	}
	formats := sentenceFormats(t)
	if len(formats) < 100 {
		t.Fatalf("only %d sentence formats found: the search misses them", len(formats))
	}
	var missing []string
	for f, where := range formats {
		if !strings.ContainsFunc(fmtVerb.ReplaceAllString(f, ""), unicode.IsLetter) {
			continue
		}
		tr, ok := zh[f]
		if !ok {
			missing = append(missing, where+": "+strconv.Quote(f))
			continue
		}
		if got, want := verbs(tr), verbs(f); got != want {
			t.Errorf("%s: the translation of %q has the verbs %s, want %s", where, f, got, want)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		if out := os.Getenv("OSSDROP_MISSING_TRANSLATIONS"); out != "" {
			os.WriteFile(out, []byte(strings.Join(missing, "\n")+"\n"), 0o644)
		}
		t.Errorf("%d sentences have no zh-Hans translation:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// fmtVerb matches one fmt verb, such as %s, %q, %[2]d or %.1f.
var fmtVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

// verbs lists a format's fmt verbs in argument order ("%s %d"), reading
// explicit indexes (%[2]s) as a translation may reorder them.
func verbs(format string) string {
	type verb struct {
		arg  int
		verb string
	}
	var vs []verb
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			continue
		}
		i++
		if format[i] == '%' {
			continue
		}
		arg := next
		if format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				break
			}
			arg, _ = strconv.Atoi(format[i+1 : i+end])
			i += end + 1
		}
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) {
			vs = append(vs, verb{arg, string(format[i])})
			next = arg + 1
		}
	}
	sort.Slice(vs, func(a, b int) bool { return vs[a].arg < vs[b].arg })
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v.arg) + ":" + v.verb
	}
	return strings.Join(parts, " ")
}

// TestUploadErrorsInChinese: the Chinese UI says what the English one says,
// with sizes, times and durations written its own way, and falls back to
// the sentence for the kind of failure where the specific one has none.
func TestUploadErrorsInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	later := func() time.Time { return time.Now().Add(3 * time.Hour) }
	link, err := signing.Presign(context.Background(), signing.Request{Region: "cn-hangzhou", Bucket: "demo", Key: "q3.pdf",
		Expires: time.Hour, Credentials: signing.Credentials{AccessKeyID: "AKIDUITEST000001", AccessKeySecret: "ui-test-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		err      func() error
		want     []string
		unwanted []string
	}{
		{"expired link: date and duration in Chinese", func() error {
			_, err := upload.Prepare(upload.Request{LinkText: link.ShareLink(), File: big, Now: later})
			return err
		}, []string{"此链接已于", "过期（2 小时", "前）", "请向发送方索取新链接。", "日 周"}, []string{"ago", "hour", "2026-"}},
		{"no such file: the file's name kept", func() error {
			_, err := upload.Prepare(upload.Request{LinkText: link.ShareLink(), File: big + ".missing"})
			return err
		}, []string{"处没有文件", "big.bin.missing", "请检查路径。"}, []string{"There is"}},
		{"unreadable link: signing's own sentence", func() error {
			_, err := upload.Prepare(upload.Request{LinkText: "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=zz&x-oss-date=broken", File: big})
			return err
		}, []string{"此链接没有 x-oss-signature-version", "请重新复制完整链接。"}, []string{"damaged", "Copy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := uploadErrorText(tt.err())
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(got, u) {
					t.Errorf("%q has English %q", got, u)
				}
			}
		})
	}
	t.Run("list and nested sentences", func(t *testing.T) {
		l := message.List{message.New("CRC-64 %d here, %d on the server", 1, 2), message.New("the server sent no ETag")}
		got := localize(message.New("The object stored on the server differs from your file (%s).", l))
		if want := "服务器上保存的对象与你的文件不一致（本地 CRC-64 为 1，服务器上为 2和服务器没有发送 ETag）。"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if got := localize(message.New("%s is %s (%d bytes), more than the 5 GiB (%d bytes) OSS takes in one upload.", "a.iso", message.Size(6<<30), 6<<30, 5<<30)); !strings.Contains(got, "6.0 GiB") || !strings.Contains(got, "字节") {
			t.Errorf("size sentence %q", got)
		}
	})
}

// TestLinkErrorsInChinese: every reason a pasted text is not a usable
// link, as the QA walk-through typed them into the Chinese Upload tab,
// reads in Chinese, sentence and hint, with the link's own values kept.
func TestLinkErrorsInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	u := newTestUploadTab(t, time.Now)
	const v4 = "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-credential=AKID%2F20261126%2Fcn-hangzhou%2Foss%2Faliyun_v4_request" +
		"&x-oss-date=20261126T100000Z&x-oss-expires=3600&x-oss-signature=" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" +
		"&x-oss-signature-version=OSS4-HMAC-SHA256"
	tests := []struct {
		name, text string
		want       []string
	}{
		{"no signature", "https://example.com/foo", []string{"此链接没有签名", "请向发送方索取上传链接。"}},
		{"garbage", "garbage", []string{"这既不是链接，也不是 curl 命令。", "请粘贴以 https:// 开头的完整链接"}},
		{"newer share link", v4 + "#ossdrop=9", []string{"更新版本的 OSS Drop", `"9"`, "请更新 OSS Drop"}},
		{"curl without address", "curl -X PUT", []string{"此 curl 命令中没有 https:// 地址。", "请重新复制完整命令。"}},
		{"signature version missing", "https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=abc", []string{"没有 x-oss-signature-version", "请重新复制完整链接。"}},
		{"damaged request link", "https://demo.oss-cn-hangzhou.aliyuncs.com/#ossdrop=2&method=POST&policy=AAAA&x-oss-signature=zz", []string{"此收集链接已损坏（其签名（x-oss-signature）缺失或已损坏）。"}},
	}
	english := regexp.MustCompile(`\b(This|The|link|Copy|Paste|Ask|Update|sender|damaged|missing)\b`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u.setLink(tt.text)
			got := u.linkError.Text
			if !u.linkError.Visible() {
				t.Fatalf("no error shown for %q", tt.text)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			if m := english.FindString(got); m != "" {
				t.Errorf("%q has the English word %q", got, m)
			}
		})
	}
}

// TestChineseSpacing: arguments and sentences are joined as Chinese joins
// them: no gap between a Chinese word and a Chinese argument ("发送了 无请求头")
// or after a Chinese full stop ("。 如需"); Latin arguments keep theirs.
func TestChineseSpacing(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	tests := []struct{ name, got, want string }{
		{"Chinese argument", localize(message.New("%s already exists.", message.New("There is nothing to read."))), "没有可读取的内容。已存在。"},
		{"Latin argument keeps its space", localize(message.New("The curl option %s has no value.", "-H")), "curl 选项 -H 没有值。"},
		{"quoted argument keeps its space", localize(message.New("The page link names %q twice.", "链接")), `此页面链接中 "链接" 出现了两次。`},
		{"explicit indexes", tightenCJK("对象 %[2]s 在 %[1]s 中", []any{"桶", "报告"}), "对象%[2]s在%[1]s中"},
		{"a percent sign", tightenCJK("100%% 完成 %s", []any{"了"}), "100%% 完成%s"},
		{"sentences", joinSentences("第一句。", "第二句。"), "第一句。第二句。"},
		{"Latin sentences", joinSentences("One.", "", "Two."), "One. Two."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	note, _ := plainURLNote(signing.Headers{{Name: "x-oss-forbid-overwrite", Value: "true"}, {Name: "content-type", Value: "text/plain"}})
	if strings.Contains(note, "。 ") || !strings.Contains(note, "SignatureDoesNotMatch 错误：") || !strings.Contains(note, "。如需") {
		t.Errorf("plain URL note: %q", note)
	}
}

// TestSignatureSentencesInChinese: a bare link's upload that sent no
// headers says so in a sentence of its own, not as "发送了 无请求头".
func TestSignatureSentencesInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	sb := newTestSandbox(t)
	// Signed with x-oss-forbid-overwrite; the bare URL does not say so.
	link := sb.link(t, "", "zh/sig.txt", nil)
	file := tempFile(t, "sig.txt", "hello")
	_, err := upload.Upload(context.Background(), upload.Request{LinkText: link.URL, File: file})
	got := uploadErrorText(err)
	if !strings.Contains(got, "本次上传没有发送任何请求头。") || strings.Contains(got, " 无") || strings.Contains(got, "。 ") {
		t.Errorf("%q", got)
	}
}
