// Command ossdrop makes and uses presigned upload links for Alibaba Cloud OSS:
// a desktop app when started without arguments, a command line with a subcommand.
package main

import (
	"os"

	_ "github.com/ossdrop/ossdrop/app/locale" // before Fyne reads the locale

	"github.com/ossdrop/ossdrop/app/cli"
	"github.com/ossdrop/ossdrop/ui"
)

func main() {
	if cli.IsCommand(os.Args[1:]) {
		os.Exit(cli.Run(os.Args[1:], cli.Std()))
	}
	ui.Run(os.Args[1:])
}
