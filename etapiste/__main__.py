from etapiste.cli import main

main()
