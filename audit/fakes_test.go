package audit

import "math/rand/v2"

// fakes holds fake secrets made at run time, so nothing token-shaped is
// committed and every run uses fresh values.
type fakes struct {
	Password, GitHub, Slack, AWSKeyID, AWSSecret, KeyBody string
}

func rnd(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func newFakes(seed uint64) fakes {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	r := rand.New(rand.NewPCG(seed, 99))
	body := ""
	for i := 0; i < 4; i++ {
		body += rnd(r, alnum+"+/", 64) + "\n"
	}
	return fakes{
		Password:  rnd(r, alnum, 12) + "4x",
		GitHub:    "ghp_" + rnd(r, alnum, 36),
		Slack:     "xoxb-" + rnd(r, "0123456789", 11) + "-" + rnd(r, alnum, 24),
		AWSKeyID:  "AKIA" + rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
		AWSSecret: rnd(r, alnum+"+/", 40),
		KeyBody:   body,
	}
}
