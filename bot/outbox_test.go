package bot_test

import "cercle/bot/slackfake"

func slackfakeReply(status int) slackfake.Reply { return slackfake.Reply{Status: status} }
